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
package dev.levee.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * Reads whole request bodies, bounded in size, time and memory. Requests reach handlers paused (so nothing is lost
 * while admission makes them wait); a read resumes the request and fails with an {@link HttpError} as soon as a bound
 * is passed, without buffering the excess. After such an error the request is paused again and the error closes
 * the connection ({@link HttpError#closesConnection}): the rest of a body that is too large or too slow is never
 * read, not even to drain it.
 *
 * <p>{@link #buffer} reads a body before the request asks for an admission permit, so that a client trickling its
 * body holds a connection but never a permit (or an upstream connection); the stages after it use the buffered body
 * ({@link #buffered}, {@link #read(RoutingContext, long)}).
 */
public final class Bodies {
    /** RoutingContext key of the body read by {@link #buffer}. */
    private static final String BUFFERED = "levee.buffered-body";

    private Bodies() {}

    /**
     * Bytes of bodies held in memory by {@link #buffer}, all requests together: reading before admission is not
     * bounded by admission's concurrency, so it is bounded here.
     */
    public static final class Budget {
        private final long limit;
        private final AtomicLong used = new AtomicLong();

        public Budget(long limitBytes) {
            if (limitBytes <= 0) {
                throw new IllegalArgumentException("limitBytes: " + limitBytes + " (expected: > 0)");
            }
            this.limit = limitBytes;
        }

        boolean tryReserve(long bytes) {
            while (true) {
                long u = used.get();
                if (u + bytes > limit) {
                    return false;
                }
                if (used.compareAndSet(u, u + bytes)) {
                    return true;
                }
            }
        }

        void release(long bytes) {
            used.addAndGet(-bytes);
        }

        /** Bytes held now. */
        public long used() {
            return used.get();
        }
    }

    /** True if the client waits for {@code 100 Continue} before it sends its body (HTTP/1.1 and HTTP/2). */
    public static boolean expectsContinue(HttpServerRequest request) {
        return request.version() != HttpVersion.HTTP_1_0 && "100-continue".equalsIgnoreCase(request.getHeader("Expect"));
    }

    /**
     * Tells a client that waits for it to send its body: called where the body starts being read, so a request
     * refused before that (401, a shed class, 413) gets its final status instead, and never sends the body.
     */
    public static void continueIfExpected(HttpServerRequest request) {
        if (expectsContinue(request)) {
            request.response().writeContinue();
        }
    }

    /**
     * True if the request carries a body: a declared length above 0, or a chunked one; on HTTP/2, any stream
     * without a length (the {@link RequestGuard} gives a stream that ended with its headers a length of 0).
     */
    public static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        if (length != null) {
            return !length.trim().equals("0");
        }
        return request.version() == HttpVersion.HTTP_2 || request.headers().contains("Transfer-Encoding");
    }

    /**
     * Reads the whole body into the context: at most {@code maxBytes} (413), within {@code timeout} from now (408),
     * and only while {@code budget} has room for it (503, Retry-After 1). The memory is given back to the budget when
     * the response ends or the connection closes.
     */
    public static Future<Void> buffer(RoutingContext ctx, long maxBytes, Duration timeout, Budget budget) {
        requireNonNull(budget, "budget");
        long[] reserved = {0};
        ctx.addEndHandler(v -> budget.release(reserved[0]));
        return read(ctx, ctx.request(), maxBytes, timeout, n -> {
            if (!budget.tryReserve(n)) {
                return false;
            }
            reserved[0] += n;
            return true;
        }).map(body -> {
            ctx.put(BUFFERED, body);
            return null;
        });
    }

    /** The body {@link #buffer} read for this request, or null if it was not read ahead. */
    public static Buffer buffered(RoutingContext ctx) {
        return ctx.get(BUFFERED);
    }

    /** The whole body, at most {@code maxBytes} (413): the one read ahead, or else read now (without a timeout). */
    public static Future<Buffer> read(RoutingContext ctx, long maxBytes) {
        Buffer ahead = buffered(ctx);
        if (ahead != null) {
            return ahead.length() > maxBytes
                    ? Future.failedFuture(HttpError.payloadTooLarge(maxBytes))
                    : Future.succeededFuture(ahead);
        }
        return read(ctx, ctx.request(), maxBytes, null, n -> true);
    }

    private interface Reservation {
        boolean tryReserve(long bytes);
    }

    private static Future<Buffer> read(RoutingContext ctx, HttpServerRequest request, long maxBytes,
                                       @Nullable Duration timeout,
                                       Reservation memory) {
        String declared = request.getHeader("Content-Length");
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                return Future.failedFuture(HttpError.badRequest("Invalid Content-Length").closingConnection());
            }
            if (length > maxBytes) {
                return Future.failedFuture(HttpError.payloadTooLarge(maxBytes));
            }
        }
        Promise<Buffer> promise = Promise.promise();
        Buffer body = Buffer.buffer();
        long timer = timeout == null ? -1 : ctx.vertx().setTimer(Math.max(1, timeout.toMillis()), t ->
                fail(request, promise, HttpError.of(408, "Request body timeout")
                        .with("timeout_ms", timeout.toMillis()).closingConnection()));
        request.handler(chunk -> {
            if (promise.future().isComplete()) {
                return; // failed: paused, and the connection closes with the error
            }
            if (body.length() + chunk.length() > maxBytes) {
                fail(request, promise, HttpError.payloadTooLarge(maxBytes));
                return;
            }
            if (!memory.tryReserve(chunk.length())) {
                fail(request, promise, HttpError.withRetryAfter(503, "Too many request bodies being received", 1)
                        .closingConnection());
                return;
            }
            body.appendBuffer(chunk);
        });
        // the client went away (or broke the framing) mid-body: nobody may be listening, but the error is the client's
        request.exceptionHandler(e -> fail(request, promise, HttpError.badRequest("Request body incomplete")
                .with("detail", String.valueOf(e.getMessage())).closingConnection()));
        request.endHandler(v -> promise.tryComplete(body));
        if (timer >= 0) {
            promise.future().onComplete(ar -> ctx.vertx().cancelTimer(timer));
        }
        continueIfExpected(request);
        request.resume();
        return promise.future();
    }

    private static void fail(HttpServerRequest request, Promise<Buffer> promise, HttpError error) {
        if (promise.tryFail(error)) {
            request.pause(); // stop reading: the error closes the connection once it is written
        }
    }
}
