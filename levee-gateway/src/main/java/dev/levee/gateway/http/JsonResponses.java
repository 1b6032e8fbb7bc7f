package dev.levee.gateway.http;

import dev.levee.core.RejectedException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;

/** The one way the gateway writes JSON: success bodies and {@link HttpError}s. */
public final class JsonResponses {
    private static final Logger log = LoggerFactory.getLogger(JsonResponses.class);

    /** Shared mapper for response bodies (records, maps, lists). */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private JsonResponses() {}

    public static Buffer toBuffer(Object body) {
        try {
            return Buffer.buffer(MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the response; the future completes once it is written (at once if a head was already written). */
    public static Future<Void> send(RoutingContext ctx, int status, Object body) {
        HttpServerResponse resp = ctx.response();
        if (resp.headWritten()) {
            return Future.succeededFuture();
        }
        return resp.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(toBuffer(body));
    }

    /**
     * Renders {@code error}: an {@link HttpError} as it is, a primitive's rejection as {@link Rejections} maps it,
     * anything else as a 500.
     */
    public static void sendError(RoutingContext ctx, Throwable error) {
        HttpError e;
        if (error instanceof HttpError he) {
            e = he;
        } else if (error instanceof RejectedException r) {
            e = Rejections.toHttpError(r);
        } else {
            log.error("unexpected error serving {} {}", ctx.request().method(), ctx.request().path(), error);
            e = HttpError.of(500, "Internal error");
        }
        HttpServerResponse resp = ctx.response();
        if (resp.headWritten()) { // too late for a status: cut the response so the client sees it failed
            ctx.request().connection().close();
            return;
        }
        if (e.retryAfterSeconds() >= 0) {
            resp.putHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        if (e.closesConnection()) {
            // the request's body is left unread: closing is cheaper than draining it, and nothing after it on the
            // connection could be trusted to start a request
            HttpConnection connection = ctx.request().connection();
            resp.putHeader("Connection", "close");
            send(ctx, e.status(), e.body()).onComplete(v -> connection.close());
            return;
        }
        send(ctx, e.status(), e.body());
    }
}
