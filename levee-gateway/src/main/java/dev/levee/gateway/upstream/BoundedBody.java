package dev.levee.gateway.upstream;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A request body stream that stops at {@code maxBytes}: past it, {@code onOverflow} runs once and no further
 * data is passed on. Used for bodies without Content-Length, whose size is only known while streaming.
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
        delegate.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        delegate.fetch(amount);
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
