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

import com.fasterxml.jackson.databind.JsonNode;
import dev.levee.gateway.GatewayServer;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.http.JsonResponses;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A 202 is a promise: a gateway whose sink is down accepts events, shuts down with them undelivered, and a new
 * gateway on the same journal directory delivers every one of them. Delivery across a restart is at-least-once
 * (an event whose delivery was in flight at shutdown is delivered again); here the first sink never takes an
 * event, so each is delivered exactly once, and the test checks that.
 */
class EventsJournalRestartTest {
    @TempDir
    Path journal;
    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> delivered = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void everyEventAcceptedWhileTheSinkWasDownIsDeliveredOnceAfterARestart() throws Exception {
        int down = sink(req -> 503);
        GatewayServer first = gateway(down);
        Set<String> accepted = new HashSet<>();
        for (int b = 0; b < 10; b++) {
            StringBuilder batch = new StringBuilder("[");
            for (int i = 0; i < 20; i++) {
                batch.append(i > 0 ? "," : "").append("{\"type\":\"telemetry-data\",\"payload\":{\"b\":").append(b)
                        .append(",\"i\":").append(i).append("}}");
            }
            HttpResponse<String> r = post(first, batch.append("]").toString());
            assertThat(r.statusCode()).isEqualTo(202);
            JsonNode body = JsonResponses.MAPPER.readTree(r.body());
            assertThat(body.get("accepted").asInt()).isEqualTo(20);
            body.get("ids").forEach(id -> accepted.add(id.asText()));
        }
        assertThat(accepted).hasSize(200);
        first.shutdown().await(30, TimeUnit.SECONDS);
        assertThat(delivered).isEmpty();

        int up = sink(req -> 200);
        GatewayServer second = gateway(up);
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThat(new HashSet<>(delivered))
                .isEqualTo(accepted));
        EventsFeature events = second.feature(EventsFeature.class);
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThat(events.undelivered()).isZero());
        assertThat(delivered).as("exactly once").hasSize(200);
        JsonNode health = JsonResponses.MAPPER.readTree(get(second, "/health/events").body());
        assertThat(health.get("journal").get("events").asInt()).isZero();
        second.shutdown().await(30, TimeUnit.SECONDS);
    }

    /** A sink answering {@code status}; records the id of every event it took (2xx). */
    private int sink(Function<Object, Integer> status) throws Exception {
        HttpServer s = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            int code = status.apply(req);
            if (code < 300) {
                delivered.add(b.toJsonObject().getString("id"));
            }
            req.response().setStatusCode(code).end();
        })).listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
        return s.actualPort();
    }

    private GatewayServer gateway(int sinkPort) throws Exception {
        var config = ConfigLoader.load("""
                server: { host: 127.0.0.1, port: 0, event-loops: 1, drain-period: 0s, shutdown-grace: 1s }
                admin: { port: 0 }
                upstream: { url: "http://127.0.0.1:1" }
                events:
                  sink: "http://127.0.0.1:%d/ingest"
                  workers: 4
                  max-attempts: 1000        # the first sink is down for the whole run: nothing dead-letters
                  backoff-base: 50ms
                  backoff-max: 200ms
                  drain-grace: 0s           # stop at once: every event is still undelivered
                  journal: { dir: "%s" }
                """.formatted(sinkPort, journal.toString().replace("\\", "/")), Map.of());
        return GatewayServer.start(vertx, config).await(10, TimeUnit.SECONDS);
    }

    private HttpResponse<String> post(GatewayServer g, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + EventsFeature.EVENTS_PATH))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(GatewayServer g, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.adminPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
