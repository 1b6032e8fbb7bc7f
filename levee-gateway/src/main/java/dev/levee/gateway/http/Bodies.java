package dev.levee.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a whole request body with a size limit. Requests reach handlers paused (so nothing is lost while
 * admission makes them wait); this resumes the request and fails with a 413 {@link HttpError} as soon as the
 * limit is passed, without buffering the excess.
 */
public final class Bodies {
    private Bodies() {}

    public static Future<Buffer> read(HttpServerRequest request, long maxBytes) {
        String declared = request.getHeader("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > maxBytes) {
                    return Future.failedFuture(HttpError.payloadTooLarge(maxBytes));
                }
            } catch (NumberFormatException e) {
                return Future.failedFuture(HttpError.badRequest("Invalid Content-Length"));
            }
        }
        Promise<Buffer> promise = Promise.promise();
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (body.length() + chunk.length() > maxBytes) {
                if (promise.tryFail(HttpError.payloadTooLarge(maxBytes))) {
                    request.handler(null); // drop the rest
                }
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(promise::tryFail);
        request.endHandler(v -> promise.tryComplete(body));
        request.resume();
        return promise.future();
    }
}
