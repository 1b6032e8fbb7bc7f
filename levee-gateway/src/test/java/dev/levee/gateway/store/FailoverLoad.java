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
package dev.levee.gateway.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.GatewayServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady load for the failover tests, through real gateways: one closed-loop client posting events (every 202's ids
 * recorded, 503s counted) and one asking hot-spot fixtures (every upstream call per fixture counted), both
 * alternating between the instances; and the upstream and event sink they need (the sink records every delivered
 * event id).
 */
final class FailoverLoad implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final Vertx vertx = Vertx.vertx();
    final HttpServer upstream;
    final Map<String, AtomicInteger> upstreamCalls = new ConcurrentHashMap<>();
    final Set<String> delivered = ConcurrentHashMap.newKeySet();
    final Set<String> accepted = ConcurrentHashMap.newKeySet();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong hotSpotRequests = new AtomicLong();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong failures = new AtomicLong();

    FailoverLoad() throws Exception {
        Router r = Router.router(vertx);
        r.get("/odds").handler(ctx -> {
            upstreamCalls.computeIfAbsent(ctx.request().getParam("fixture_id"), k -> new AtomicInteger())
                    .incrementAndGet();
            ctx.end("{\"odds\":1.5}");
        });
        r.post("/ingest").handler(ctx -> ctx.request().body().onSuccess(b -> {
            delivered.add(ctx.request().getHeader("X-Levee-Event-Id"));
            ctx.response().end();
        }));
        upstream = vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    String upstreamUrl() {
        return "http://127.0.0.1:" + upstream.actualPort();
    }

    /** Starts both clients against {@code gateways}, the hot-spot one over {@code fixtures}. */
    void start(List<GatewayServer> gateways, List<String> fixtures) {
        running.set(true);
        threads.add(Thread.ofPlatform().name("failover-events").start(() -> {
            for (long i = 0; running.get(); i++) {
                GatewayServer g = gateways.get((int) (i % gateways.size()));
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + g.port() + "/api/v1/events"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"telemetry-data\",\"payload\":" + i
                                    + "}"))
                            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 202) {
                        JSON.readTree(r.body()).get("ids").forEach(id -> accepted.add(id.asText()));
                    } else if (r.statusCode() == 503) {
                        refused.incrementAndGet();
                    } else {
                        failures.incrementAndGet();
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                }
            }
        }));
        threads.add(Thread.ofPlatform().name("failover-hot-spots").start(() -> {
            for (long i = 0; running.get(); i++) {
                GatewayServer g = gateways.get((int) (i % gateways.size()));
                String fixture = fixtures.get((int) (i / gateways.size() % fixtures.size()));
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + g.port() + "/odds?fixture_id=" + fixture))
                            .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
                    hotSpotRequests.incrementAndGet();
                    if (r.statusCode() != 200 && r.statusCode() != 429) {
                        failures.incrementAndGet();
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                }
            }
        }));
    }

    /** Stops both clients and waits for their last request. */
    void stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        threads.clear();
    }

    /** Answers other than 202/503 (events) and 200/429 (hot spots), and requests that failed outright. */
    long failures() {
        return failures.get();
    }

    /** Upstream calls (= grants) of the fixture that got the most. */
    int mostGrants() {
        return upstreamCalls.values().stream().mapToInt(AtomicInteger::get).max().orElse(0);
    }

    /** One request for a fixture nobody asked for yet (a hot-spot decision that goes to the store); true. */
    boolean probe(GatewayServer g) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + "/odds?fixture_id=probe-"
                        + java.util.UUID.randomUUID()))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.discarding());
        return true;
    }

    JsonNode health(GatewayServer g) throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + g.adminPort() + "/health"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    @Override
    public void close() {
        try {
            stop();
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("closing the failover load", e);
        }
    }
}
