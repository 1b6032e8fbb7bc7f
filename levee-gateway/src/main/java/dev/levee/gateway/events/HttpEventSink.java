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
package dev.levee.gateway.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.levee.core.events.Delivery;
import dev.levee.core.events.Event;
import dev.levee.core.events.EventSink;
import dev.levee.gateway.config.EventsConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionStage;

/**
 * Delivers events by POSTing them to {@code events.sink} with a pooled Vert.x HTTP client: a 2xx answer is a
 * delivery, anything else (status, connection error, timeout) a failed attempt.
 *
 * <p>Body: {@code {"id","type","priority","created_at","attempt","payload"}}, the payload exactly as received.
 * Headers {@code X-Levee-Event-Id} and {@code X-Levee-Attempt} let the sink de-duplicate: delivery is
 * at-least-once (an attempt that timed out here may have reached the sink). The pool holds at most
 * {@code workers} connections, the pipeline never has more deliveries in flight, and its wait queue is bounded.
 */
final class HttpEventSink implements EventSink<String>, AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();

    private final HttpClientAgent client;
    private final String url;
    private final long timeoutMs;

    HttpEventSink(Vertx vertx, EventsConfig config) {
        this.url = config.sink();
        this.timeoutMs = config.deliveryTimeout().toMillis();
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs));
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(config.workers())
                .setMaxWaitQueueSize(4 * config.workers());
        this.client = vertx.httpClientBuilder().with(options).with(pool).build();
    }

    @Override
    public CompletionStage<?> deliver(Delivery delivery, String payload) {
        Buffer body = Buffer.buffer(encode(delivery));
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(url)
                .setIdleTimeout(timeoutMs)
                .putHeader("Content-Type", "application/json")
                .putHeader("X-Levee-Event-Id", delivery.event().id())
                .putHeader("X-Levee-Attempt", Integer.toString(delivery.attempt()));
        // workers call this from any thread: the response is handled inside the request's callback, on its event
        // loop, so its end cannot pass before we listen for it (a flat compose chain can miss it and hang)
        Future<Integer> status = client.request(options)
                // the answer's body is not needed and not buffered (a misbehaving sink could send any amount)
                .compose(req -> req.send(body).compose(resp -> resp.end().map(ignored -> resp.statusCode())));
        return status.compose(code -> code >= 200 && code < 300 ? Future.succeededFuture(code)
                        : Future.failedFuture(new SinkRefused(code)))
                .toCompletionStage();
    }

    static byte[] encode(Delivery delivery) {
        Event e = delivery.event();
        try (ByteArrayBuilder out = new ByteArrayBuilder(256); JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", e.id());
            g.writeStringField("type", e.type());
            g.writeNumberField("priority", e.priority());
            g.writeNumberField("created_at", e.createdEpochMillis());
            g.writeNumberField("attempt", delivery.attempt());
            g.writeFieldName("payload");
            if (e.payload() == null) {
                g.writeNull();
            } else {
                g.writeRawValue(e.payload());
            }
            g.writeEndObject();
            g.flush();
            return out.toByteArray();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** A non-2xx answer; the message is the dead letter's reason if it is the last attempt. */
    static final class SinkRefused extends RuntimeException {
        SinkRefused(int status) {
            super("sink answered " + status, null, false, false);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
