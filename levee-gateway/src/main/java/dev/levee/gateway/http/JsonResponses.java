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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.levee.core.RejectedException;
import dev.levee.core.hotspot.HotSpotRejectedException;
import dev.levee.gateway.chain.RequestIds;
import dev.levee.gateway.chain.RequestState;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;

/** The one way the gateway writes JSON: success bodies and {@link HttpError}s. */
public final class JsonResponses {
    private static final Logger log = LoggerFactory.getLogger(JsonResponses.class);

    /**
     * The one mapper for response bodies: status documents are immutable records (one per document or block, in
     * the package of the feature they describe) and their components go on the wire in snake_case
     * ({@code inFlight} is {@code "in_flight"}), the one naming convention of every health, stats and dashboard
     * document. Map keys are written as they are (route paths, class names, error bodies). Nulls are written
     * ({@code "p99_wait_ms": null} means "no value in this interval"); a component that a document leaves out
     * when it does not apply is marked {@code @JsonInclude(NON_NULL)} on the record. Numbers keep their Java type:
     * a {@code double} is always written with a fraction ({@code 2.0}), a {@code long} never.
     */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .findAndRegisterModules()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private JsonResponses() {}

    public static Buffer toBuffer(Object body) {
        try {
            return Buffer.buffer(MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the response: every JSON body of the gateway, success or error, goes out here. The future completes once it is written (at once if a head was already written). */
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

    /** Renders {@code error} as {@link ErrorMapper} maps it (an unexpected failure: a logged 500). */
    public static void sendError(RoutingContext ctx, Throwable error) {
        RequestState state = RequestState.of(ctx);
        if (!ErrorMapper.expected(error)) {
            RequestIds.withMdc(state, () -> log.error("unexpected error serving {} {}", ctx.request().method(),
                    ctx.request().path(), error));
        }
        noteRejection(state, error);
        send(ctx, ErrorMapper.toHttpError(error));
    }

    /**
     * Records on the request's state what the access log says about a refusal: the rejection's stable reason
     * code, and the hot-spot key it hit. For a stage that renders {@code error} itself before {@link #send}.
     */
    public static void noteRejection(RequestState state, Throwable error) {
        Throwable cause = ErrorMapper.unwrap(error);
        if (cause instanceof RejectedException r) {
            state.rejectReason(r.reason().code());
        }
        if (cause instanceof HotSpotRejectedException h) {
            state.hotSpot(h.key(), "rejected");
        }
    }

    /** Writes {@code e}: status, Retry-After, JSON body; a closing error closes the connection after it. */
    public static void send(RoutingContext ctx, HttpError e) {
        HttpServerResponse resp = ctx.response();
        RequestState state = RequestState.of(ctx);
        if (state.rejectReason() == null) {
            state.rejectReason(String.valueOf(e.body().get("error")));
        }
        boolean h2 = ctx.request().version() == HttpVersion.HTTP_2;
        if (resp.headWritten()) { // too late for a status: cut the response so the client sees it failed
            if (h2) {
                resp.reset(); // the stream, not the connection and its other streams
            } else {
                ctx.request().connection().close();
            }
            return;
        }
        if (e.retryAfterSeconds() >= 0) {
            resp.putHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        if (e.closesConnection() && h2) {
            // HTTP/2 frames every stream: the rest of this one's body is dropped by resetting it, nothing else
            send(ctx, e.status(), e.body()).onComplete(v -> {
                if (!ctx.request().isEnded()) {
                    resp.reset();
                }
            });
            return;
        }
        if (e.closesConnection()) {
            // nothing after the request on the connection could be trusted to start a request
            resp.putHeader("Connection", "close");
            send(ctx, e.status(), e.body()).onComplete(v -> lingerThenClose(ctx));
            return;
        }
        send(ctx, e.status(), e.body());
    }

    /** At most this much of an unread body is read and dropped after a closing error, and for at most this long. */
    static final int LINGER_BYTES = 1 << 20;
    static final long LINGER_MS = 2_000;

    /**
     * Closes the connection after a closing error, like nginx's lingering close: a socket closed while the client's
     * body is still arriving is reset by the kernel, and the reset can destroy the answer before the client reads
     * it (the client sees "connection reset" instead of its 413). So what is still in flight is read and dropped,
     * bounded by {@link #LINGER_BYTES} and {@link #LINGER_MS} (a client streaming a gigabyte is cut off after a
     * megabyte), and the connection is closed once the body ends or a bound is reached.
     */
    private static void lingerThenClose(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        HttpConnection connection = request.connection();
        if (request.isEnded()) {
            connection.close();
            return;
        }
        long[] dropped = {0};
        long timer = ctx.vertx().setTimer(LINGER_MS, t -> connection.close());
        Runnable close = () -> {
            ctx.vertx().cancelTimer(timer);
            connection.close();
        };
        try {
            request.handler(chunk -> {
                dropped[0] += chunk.length();
                if (dropped[0] > LINGER_BYTES) {
                    close.run();
                }
            });
            request.endHandler(v -> close.run());
            request.exceptionHandler(x -> close.run());
            request.resume();
        } catch (IllegalStateException alreadyRead) { // the request was consumed after all
            close.run();
        }
    }
}
