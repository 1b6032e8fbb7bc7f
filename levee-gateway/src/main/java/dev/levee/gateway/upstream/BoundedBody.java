/*
 * Copyright 2026 The Levee Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package dev.levee.gateway.upstream;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A request body stream that stops at {@code maxBytes}: past it, {@code onOverflow} runs once, no further data is
 * passed on and the client's stream stays paused for good. Used for bodies streamed to the upstream (without
 * admission in front, see {@code Bodies#buffer}), whose size is only known while streaming.
 *
 * <p>Implementation note: "stays paused" matters. When the upstream request is reset, the pipe feeding it lets go
 * of its source by resuming it, which with no handler left would read, and throw away, the whole rest of the body
 * (a gigabyte, if that is what the client sends). After an overflow, resume and fetch are ignored, so nothing more is
 * read until the 413 is written and the connection closed.
 */
final class BoundedBody implements ReadStream<Buffer> {
    private final ReadStream<Buffer> delegate;
    private final long maxBytes;
    private final Runnable onOverflow;
    private long seen;
    private boolean overflowed;

    BoundedBody(ReadStream<Buffer> delegate, long maxBytes, Runnable onOverflow) {
        this.delegate = delegate;
        this.maxBytes = maxBytes;
        this.onOverflow = onOverflow;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        if (handler == null) {
            delegate.handler(null);
            return this;
        }
        delegate.handler(chunk -> {
            if (overflowed) {
                return;
            }
            seen += chunk.length();
            if (seen > maxBytes) {
                overflowed = true;
                delegate.pause();
                onOverflow.run();
                return;
            }
            handler.handle(chunk);
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        delegate.exceptionHandler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        delegate.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        if (!overflowed) {
            delegate.resume();
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        if (!overflowed) {
            delegate.fetch(amount);
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
        delegate.endHandler(v -> {
            if (!overflowed) {
                endHandler.handle(v);
            }
        });
        return this;
    }
}
