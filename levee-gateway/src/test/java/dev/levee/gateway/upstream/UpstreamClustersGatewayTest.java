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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.GatewayServer;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.testing.Ports;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Named upstreams against three real upstream servers on their own Vert.x (as separate processes would be): the
 * balancers' spread, an endpoint killed under load and brought back, retries of connect failures and their budget.
 * Every verdict is on counts (which server answered, how many errors, the retry counters); the only waits are for
 * health checks, with generous margins.
 */
class UpstreamClustersGatewayTest {
    private static final int LOOPS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Vertx upstreamVertx;
    private static Vertx gatewayVertx;
    private static final HttpServer[] servers = new HttpServer[3];
    private static final int[] ports = new int[3];
    private static final AtomicInteger[] hits = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
    /** Held responses of /lr/hold, released by the test. */
    private static final Queue<HttpServerResponse> held = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger heldCount = new AtomicInteger();
    private static GatewayServer gateway;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        upstreamVertx = Vertx.vertx();
        gatewayVertx = Vertx.vertx();
        for (int i = 0; i < 3; i++) {
            servers[i] = startServer(i, 0);
            ports[i] = servers[i].actualPort();
        }
        int dead = Ports.closed();
        String three = "[\"http://127.0.0.1:" + ports[0] + "\", \"http://127.0.0.1:" + ports[1]
                + "\", \"http://127.0.0.1:" + ports[2] + "\"]";
        String deadAndAlive = "[\"http://127.0.0.1:" + dead + "\", \"http://127.0.0.1:" + ports[0] + "\"]";
        String yaml = """
                server: { host: 127.0.0.1, port: 0, event-loops: 2, shutdown-grace: 2s, drain-period: 0s }
                admin: { port: 0 }
                access-log: { enabled: false }
                events: { enabled: false }
                upstream: { url: "http://127.0.0.1:%d" }
                upstreams:
                  odds:
                    endpoints: %s
                    health-check: { path: /health, interval: 100ms, timeout: 1s, unhealthy-threshold: 2, healthy-threshold: 2 }
                    outlier: { consecutive-failures: 3, ejection-time: 2s }
                    retry: { budget: 0.5, min-retries: 20 }
                  rr: { endpoints: %s, health-check: { enabled: false } }
                  lr: { endpoints: %s, balancer: least-requests, health-check: { enabled: false } }
                  retry:
                    endpoints: %s
                    health-check: { enabled: false }
                    outlier: { enabled: false }
                    retry: { budget: 1.0, min-retries: 100 }
                  budget:
                    endpoints: %s
                    health-check: { enabled: false }
                    outlier: { enabled: false }
                    retry: { budget: 0.2, min-retries: 0 }
                routes:
                  - { path: /api/odds, upstream: odds, breaker: { enabled: false } }
                  - { path: /rr, upstream: rr, breaker: { enabled: false } }
                  - { path: /lr, upstream: lr, breaker: { enabled: false } }
                  - { path: /retry, upstream: retry, breaker: { enabled: false } }
                  - { path: /budget, upstream: budget, breaker: { enabled: false } }
                """.formatted(ports[0], three, three, three, deadAndAlive, deadAndAlive);
        gateway = GatewayServer.start(gatewayVertx, ConfigLoader.load(yaml, Map.of())).await(20, TimeUnit.SECONDS);
    }

    /** Upstream {@code i}: answers its own name (counted), holds /lr/hold until released, /health is 200. */
    private static HttpServer startServer(int i, int port) throws Exception {
        return upstreamVertx.createHttpServer().requestHandler(req -> {
            if (req.path().equals("/health")) {
                req.response().end("ok");
                return;
            }
            req.body().onSuccess(body -> {
                if (req.path().equals("/lr/hold")) {
                    held.add(req.response());
                    heldCount.incrementAndGet();
                    return;
                }
                hits[i].incrementAndGet();
                req.response().end("s" + i);
            });
        }).listen(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.shutdown().await(30, TimeUnit.SECONDS);
        }
        gatewayVertx.close().await(10, TimeUnit.SECONDS);
        upstreamVertx.close().await(10, TimeUnit.SECONDS);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode endpointsOf(String upstream) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.adminPort() + "/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).get("components").get("upstreams").get("upstreams").get(upstream)
                .get("endpoints");
    }

    private static String stateOf(String upstream, int server) throws Exception {
        for (JsonNode e : endpointsOf(upstream)) {
            if (e.get("url").asText().endsWith(":" + ports[server])) {
                return e.get("state").asText();
            }
        }
        throw new AssertionError("no endpoint of server " + server);
    }

    private static double counter(String name, String upstream) {
        Counter c = gateway.registry().find(name).tag("upstream", upstream).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void roundRobinSpreadsRequestsEvenly() throws Exception {
        Map<String, Integer> by = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> r = get("/rr/x?i=" + i);
            assertThat(r.statusCode()).isEqualTo(200);
            by.merge(r.body(), 1, Integer::sum);
        }
        assertThat(by).containsOnly(Map.entry("s0", 10), Map.entry("s1", 10), Map.entry("s2", 10));
    }

    @Test
    void leastRequestsSendsToTheEndpointWithNothingInFlight() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> holding = new ArrayList<>();
        int before = heldCount.get();
        for (int i = 0; i < 2; i++) { // one at a time: each is at its endpoint before the next is picked
            holding.add(http.sendAsync(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gateway.port() + "/lr/hold?i=" + i)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
            int expected = before + i + 1;
            await().atMost(Duration.ofSeconds(20)).until(() -> heldCount.get() >= expected);
        }
        try {
            Map<String, Integer> by = new HashMap<>();
            for (int i = 0; i < 9; i++) {
                HttpResponse<String> r = get("/lr/quick?i=" + i);
                assertThat(r.statusCode()).isEqualTo(200);
                by.merge(r.body(), 1, Integer::sum);
            }
            assertThat(by).as("all to the one endpoint holding no request").hasSize(1).containsValue(9);
        } finally {
            HttpServerResponse r;
            while ((r = held.poll()) != null) {
                HttpServerResponse response = r;
                upstreamVertx.runOnContext(v -> response.end("held"));
            }
        }
        for (CompletableFuture<HttpResponse<String>> f : holding) {
            assertThat(f.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void killingAnEndpointUnderLoadCostsAtMostItsInFlightRequestsAndItIsUsedAgainOnceBack() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong ok = new AtomicLong();
        Queue<String> errors = new ConcurrentLinkedQueue<>();
        List<Thread> loops = new ArrayList<>();
        for (int t = 0; t < LOOPS; t++) {
            int loop = t;
            Thread th = new Thread(() -> {
                int i = 0;
                while (running.get()) {
                    try {
                        HttpResponse<String> r = get("/api/odds/load?loop=" + loop + "&i=" + i++);
                        if (r.statusCode() == 200) {
                            ok.incrementAndGet();
                        } else {
                            errors.add(r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        errors.add(e.toString());
                    }
                }
            }, "load-" + t);
            th.start();
            loops.add(th);
        }
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> ok.get() >= 200 && hits[1].get() > 20);
            servers[1].close().await(10, TimeUnit.SECONDS); // killed under load
            await().atMost(Duration.ofSeconds(30)).until(() -> stateOf("odds", 1).equals("down"));
            long atDown = ok.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> ok.get() >= atDown + 200); // steady load without it
            int s1WhileDown = hits[1].get();
            assertThat(errors).as("at most the requests in flight on the killed endpoint (one per loop)")
                    .hasSizeLessThanOrEqualTo(LOOPS);
            servers[1] = startServer(1, ports[1]); // back, on the same port
            await().atMost(Duration.ofSeconds(30)).until(() -> stateOf("odds", 1).equals("up"));
            await().atMost(Duration.ofSeconds(30)).until(() -> hits[1].get() >= s1WhileDown + 20);
        } finally {
            running.set(false);
            for (Thread th : loops) {
                th.join(30_000);
            }
        }
        assertThat(errors).hasSizeLessThanOrEqualTo(LOOPS);
        assertThat(counter("levee.upstream.retries.denied", "odds")).isZero();
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminPort()
                + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("levee_upstream_endpoint_up{endpoint=\"127.0.0.1:" + ports[1]
                + "\",upstream=\"odds\"} 1.0");
    }

    @Test
    void aConnectFailureIsRetriedOnceOnAnotherEndpointForGetButNeverForPost() throws Exception {
        double retriesBefore = counter("levee.upstream.retries", "retry");
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = get("/retry/x?i=" + i);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("s0");
        }
        double retried = counter("levee.upstream.retries", "retry") - retriesBefore;
        assertThat(retried).as("each GET that met the dead endpoint first").isGreaterThanOrEqualTo(5);
        int failed = 0;
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = post("/retry/x?i=" + i);
            if (r.statusCode() == 502) {
                assertThat(JSON.readTree(r.body()).get("error").asText()).isEqualTo("Upstream unreachable");
                failed++;
            } else {
                assertThat(r.statusCode()).isEqualTo(200);
            }
        }
        assertThat(failed).as("POSTs that met the dead endpoint").isGreaterThanOrEqualTo(1);
        assertThat(counter("levee.upstream.retries", "retry") - retriesBefore).as("no POST retried")
                .isEqualTo(retried);
    }

    @Test
    void theRetryBudgetCapsRetries() throws Exception {
        int failed = 0;
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = get("/budget/x?i=" + i);
            if (r.statusCode() == 502) {
                failed++;
            } else {
                assertThat(r.statusCode()).isEqualTo(200);
            }
        }
        double retries = counter("levee.upstream.retries", "budget");
        double denied = counter("levee.upstream.retries.denied", "budget");
        assertThat(retries).as("at most 20 %% of 20 requests").isLessThanOrEqualTo(4);
        assertThat(denied).isGreaterThanOrEqualTo(1);
        assertThat((double) failed).as("a denied retry is the client's 502").isEqualTo(denied);
    }
}
