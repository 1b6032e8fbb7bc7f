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
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.LeveeConfig;
import dev.levee.redis.coalesce.RedisFlightCoordinator;
import dev.levee.testing.Ports;
import dev.levee.testing.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway instances with {@code store.type: redis} (the machine's Redis) in front of one counting upstream: the
 * read path's cache is shared, and a cold key costs one upstream call across both instances. Every test uses its own
 * fixture id and deletes the Redis keys of its own cache keys.
 */
class SharedReadPathTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REDIS = "redis://127.0.0.1:6379";

    private final Vertx vertx = Vertx.vertx();
    private final List<GatewayServer> gateways = new ArrayList<>();
    private final List<Vertx> instances = new ArrayList<>();
    private final List<String> cacheKeys = new ArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1) // see GatewayExtension
            .connectTimeout(Duration.ofSeconds(10)).build();
    private volatile Promise<Void> release; // when set, the upstream holds every answer until it completes

    private RedisProcess ownRedis;

    @AfterEach
    void stop() throws Exception {
        for (GatewayServer g : gateways) {
            g.shutdown().await(30, TimeUnit.SECONDS);
        }
        if (ownRedis != null) {
            ownRedis.close();
        }
        for (Vertx v : instances) {
            v.close().await(10, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
        RedisClient client = RedisClient.create(REDIS);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            for (String key : cacheKeys) {
                String base = RedisFlightCoordinator.DEFAULT_PREFIX + "{fl:" + RedisFlightCoordinator.hash(key) + "}";
                c.sync().del(base + ":lock", base + ":res", base + ":entry");
            }
        } finally {
            client.shutdown();
        }
    }

    private HttpServer upstream() throws Exception {
        Router r = Router.router(vertx);
        r.get("/odds").handler(ctx -> {
            int n = calls.incrementAndGet();
            Promise<Void> gate = release;
            // a slow upstream (200 ms), held longer while a test still sends its requests
            vertx.setTimer(200, t -> {
                boolean fail = "1".equals(ctx.request().getParam("fail"));
                String vary = ctx.request().getParam("vary");
                if (vary != null) { // answers that vary echo the language they were made for
                    ctx.response().putHeader("Vary", vary)
                            .putHeader("X-Lang", String.valueOf(ctx.request().getHeader("Accept-Language")));
                }
                Runnable answer = () -> ctx.response().setStatusCode(fail ? 503 : 200)
                        .putHeader("Content-Type", "application/json")
                        .putHeader("X-Upstream-Call", Integer.toString(n)).end("{\"odds\":1.5,\"call\":" + n + "}");
                if (gate == null) {
                    answer.run();
                } else {
                    gate.future().onComplete(v -> answer.run());
                }
            });
        });
        return vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    private static LeveeConfig config(String upstream, String redisUrl, String routeBlocks) {
        return ConfigLoader.load("""
                server: { host: 127.0.0.1, port: 0, event-loops: 2, shutdown-grace: 2s, drain-period: 0s }
                admin: { port: 0 }
                upstream: { url: "%s", timeout: 5s }
                admission: { max-concurrent: 1000, queue-capacity: 2000 }
                events: { enabled: false }
                store: { type: redis, redis: { url: "%s", expected-instances: 2, command-timeout: 2s } }
                routes:
                  - path: /odds
                    public: true
                %s
                """.formatted(upstream, redisUrl, routeBlocks), Map.of());
    }

    private void startTwo(LeveeConfig config) throws Exception {
        for (int i = 0; i < 2; i++) {
            Vertx v = Vertx.vertx();
            instances.add(v);
            gateways.add(GatewayServer.start(v, config).await(10, TimeUnit.SECONDS));
        }
    }

    private HttpResponse<String> get(GatewayServer g, String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET on the instance's admin listener (health, metrics, figures). */
    private HttpResponse<String> ops(GatewayServer g, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.adminPort() + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(GatewayServer g, String path) throws Exception {
        return JSON.readTree(ops(g, path).body());
    }

    @Test
    void anEntryOneInstanceLoadedIsServedByTheOtherWithoutAnUpstreamCall() throws Exception {
        HttpServer up = upstream();
        startTwo(config("http://127.0.0.1:" + up.actualPort(), REDIS, """
                    cache: { fresh: 30s, stale: 60s }
                    coalesce: { max-wait: 5s }
                """));
        String fixture = "shared-cache-" + UUID.randomUUID();
        String query = "/odds?fixture_id=" + fixture;
        cacheKeys.add("GET " + query);

        HttpResponse<String> a = get(gateways.get(0), query);
        assertThat(a.statusCode()).isEqualTo(200);
        assertThat(a.headers().firstValue("X-Cache")).hasValue("MISS");
        assertThat(calls).hasValue(1);
        // A answers first and publishes right after; wait until B's coordinator can see it
        await().atMost(Duration.ofSeconds(5)).until(() ->
                json(gateways.get(0), "/health").at("/components/store/flights/flights_led").asLong() == 1);

        HttpResponse<String> b = get(gateways.get(1), query);
        assertThat(b.statusCode()).isEqualTo(200);
        assertThat(b.headers().firstValue("X-Cache")).as("served from the shared tier").hasValue("HIT");
        assertThat(b.body()).isEqualTo(a.body());
        assertThat(b.headers().firstValue("X-Upstream-Call")).hasValue("1");
        assertThat(b.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(calls).as("no upstream call for instance B").hasValue(1);

        // B now holds it in its own Caffeine: the next read does not ask Redis again
        assertThat(get(gateways.get(1), query).headers().firstValue("X-Cache")).hasValue("HIT");
        JsonNode storeB = json(gateways.get(1), "/health").at("/components/store");
        assertThat(storeB.at("/status").asText()).isEqualTo("UP");
        assertThat(storeB.at("/flights/shared_cache_hits").asLong()).isEqualTo(1);
        assertThat(storeB.at("/fallback_decisions").asLong()).isZero();
        assertThat(calls).hasValue(1);
    }

    @Test
    void aVariantStoredByOneInstanceIsNotServedByTheOtherToAnotherLanguage() throws Exception {
        HttpServer up = upstream();
        startTwo(config("http://127.0.0.1:" + up.actualPort(), REDIS, """
                    cache: { fresh: 30s, stale: 60s }
                    coalesce: { max-wait: 5s }
                """));
        String query = "/odds?fixture_id=shared-vary-" + UUID.randomUUID() + "&vary=Accept-Language";
        cacheKeys.add("GET " + query); // the variant keys (with a digest) expire with their entries

        HttpResponse<String> en = send(gateways.get(0), query, "en");
        assertThat(en.headers().firstValue("X-Lang")).hasValue("en");
        await().atMost(Duration.ofSeconds(5)).until(() ->
                json(gateways.get(0), "/health").at("/components/store/flights/flights_led").asLong() == 1);
        // B has not seen the Vary yet: its key is the one A stored the English answer under, and the check on the
        // shared answer sends the German client to its own variant
        HttpResponse<String> de = send(gateways.get(1), query, "de");
        assertThat(de.statusCode()).isEqualTo(200);
        assertThat(de.headers().firstValue("X-Lang")).hasValue("de");
        assertThat(de.headers().firstValue("X-Levee-Vary-Digest")).isEmpty();
        assertThat(send(gateways.get(1), query, "de").headers().firstValue("X-Lang")).hasValue("de");
        assertThat(send(gateways.get(1), query, "en").headers().firstValue("X-Lang")).hasValue("en");
        assertThat(send(gateways.get(0), query, "de").headers().firstValue("X-Lang")).hasValue("de");
    }

    private HttpResponse<String> send(GatewayServer g, String pathAndQuery, String language) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + pathAndQuery))
                .header("Accept-Language", language).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aColdKeyAskedFiveHundredTimesThroughTwoInstancesCostsOneUpstreamCall() throws Exception {
        HttpServer up = upstream();
        // coalescing only (no cache): every one of the 500 must be answered by the one flight
        startTwo(config("http://127.0.0.1:" + up.actualPort(), REDIS, """
                    coalesce: { max-wait: 20s }
                """));
        String fixture = "shared-flight-" + UUID.randomUUID();
        String query = "/odds?fixture_id=" + fixture;
        cacheKeys.add("GET " + query);
        release = Promise.promise();

        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            GatewayServer g = gateways.get(i % 2);
            all.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + query))
                    .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString()));
        }
        // the upstream answers (200 ms after the call) only once all 500 reached the two coalescers
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            long total = 0;
            for (GatewayServer g : gateways) {
                total += json(g, "/api/v1/shared/deduplication/stats").get("total_requests").asLong();
            }
            return total == 500;
        });
        release.complete();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        assertThat(calls).as("upstream calls for one cold key across two instances").hasValue(1);
        String body = all.get(0).join().body();
        for (CompletableFuture<HttpResponse<String>> f : all) {
            HttpResponse<String> r = f.join();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(body);
        }
        long made = 0;
        long joined = 0;
        for (GatewayServer g : gateways) {
            JsonNode store = json(g, "/health").at("/components/store");
            assertThat(store.at("/status").asText()).isEqualTo("UP");
            made += store.at("/flights/flights_led").asLong();
            joined += store.at("/flights/flights_joined").asLong();
        }
        assertThat(made).as("one instance led").isEqualTo(1);
        assertThat(joined).as("the other instance's flight joined it").isEqualTo(1);
        long ledMetric = 0;
        for (GatewayServer g : gateways) {
            ledMetric += ops(g, "/metrics").body().lines()
                    .filter(l -> l.startsWith("levee_store_flights_total{") && l.contains("outcome=\"led\""))
                    .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        }
        assertThat(ledMetric).isEqualTo(1);
    }

    @Test
    void anUpstreamErrorReachesTheWaitersOfBothInstancesFromOneCall() throws Exception {
        HttpServer up = upstream();
        startTwo(config("http://127.0.0.1:" + up.actualPort(), REDIS, """
                    coalesce: { max-wait: 20s }
                """));
        String query = "/odds?fail=1&fixture_id=shared-error-" + UUID.randomUUID();
        cacheKeys.add("GET " + query);
        release = Promise.promise();
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            all.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateways.get(i % 2).port()
                    + query)).timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            long total = 0;
            for (GatewayServer g : gateways) {
                total += json(g, "/api/v1/shared/deduplication/stats").get("total_requests").asLong();
            }
            return total == 100;
        });
        release.complete();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(calls).hasValue(1);
        for (CompletableFuture<HttpResponse<String>> f : all) {
            HttpResponse<String> r = f.join();
            assertThat(r.statusCode()).as("the upstream's own answer, on both instances").isEqualTo(503);
            assertThat(r.body()).isEqualTo("{\"odds\":1.5,\"call\":1}");
            assertThat(r.headers().firstValue("X-Upstream-Call")).hasValue("1");
        }
    }

    @Test
    void withRedisUnreachableRequestsAreServedLocallyAndTheStoreIsDegraded() throws Exception {
        HttpServer up = upstream();
        LeveeConfig config = config("http://127.0.0.1:" + up.actualPort(), "redis://127.0.0.1:" + Ports.closed(), """
                    cache: { fresh: 30s, stale: 60s }
                """);
        Vertx v = Vertx.vertx();
        instances.add(v);
        gateways.add(GatewayServer.start(v, config).await(20, TimeUnit.SECONDS));
        String query = "/odds?fixture_id=down-" + UUID.randomUUID();

        HttpResponse<String> first = get(gateways.get(0), query);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("X-Cache")).hasValue("MISS");
        assertThat(get(gateways.get(0), query).headers().firstValue("X-Cache")).as("the local cache still works")
                .hasValue("HIT");
        assertThat(calls).hasValue(1);

        HttpResponse<String> health = ops(gateways.get(0), "/health");
        JsonNode store = JSON.readTree(health.body()).at("/components/store");
        assertThat(store.at("/status").asText()).isEqualTo("DEGRADED");
        assertThat(store.at("/fallback_decisions").asLong()).isEqualTo(1);
        assertThat(store.at("/coalescing_and_cache").asText()).startsWith("local fallback");
        String metrics = ops(gateways.get(0), "/metrics").body();
        assertThat(metrics).contains("levee_store_fallback_decisions_total 1.0");
    }

    /**
     * A redis-server of the test's own stopped and restarted in the middle of a run: both instances serve every
     * request locally while it is down (DEGRADED), and share cache and flights again after the restart (UP).
     */
    @Test
    void redisStoppedAndRestartedMidRun() throws Exception {
        ownRedis = RedisProcess.onFreePort();
        ownRedis.start();
        HttpServer up = upstream();
        startTwo(config("http://127.0.0.1:" + up.actualPort(), ownRedis.url(), """
                    cache: { fresh: 30s, stale: 60s }
                """));
        GatewayServer a = gateways.get(0);
        GatewayServer b = gateways.get(1);
        String run = UUID.randomUUID().toString();

        assertThat(get(a, "/odds?fixture_id=1-" + run).headers().firstValue("X-Cache")).hasValue("MISS");
        await().atMost(Duration.ofSeconds(5)).until(() ->
                json(a, "/health").at("/components/store/flights/flights_led").asLong() == 1);
        assertThat(get(b, "/odds?fixture_id=1-" + run).headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(calls).hasValue(1);

        ownRedis.stop();
        for (GatewayServer g : gateways) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !json(g, "/health").at("/components/store/connected")
                    .asBoolean());
        }
        // down: every request is still answered, through each instance's own flight and cache
        for (GatewayServer g : gateways) {
            HttpResponse<String> r = get(g, "/odds?fixture_id=2-" + run);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("X-Cache")).hasValue("MISS");
            assertThat(get(g, "/odds?fixture_id=2-" + run).headers().firstValue("X-Cache")).hasValue("HIT");
            JsonNode store = json(g, "/health").at("/components/store");
            assertThat(store.at("/status").asText()).isEqualTo("DEGRADED");
            assertThat(store.at("/fallback_decisions").asLong()).isPositive();
        }
        assertThat(calls).as("one call per instance while Redis is away").hasValue(3);

        ownRedis.start(); // same port, empty
        AtomicInteger probes = new AtomicInteger();
        for (GatewayServer g : gateways) {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
                get(g, "/odds?fixture_id=probe-" + probes.incrementAndGet() + "-" + run);
                return json(g, "/health").at("/components/store/status").asText().equals("UP");
            });
        }
        int before = calls.get();
        assertThat(get(a, "/odds?fixture_id=3-" + run).headers().firstValue("X-Cache")).hasValue("MISS");
        await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == before + 1);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            // A publishes right after answering; until then B may not see it yet (it would lead a flight itself)
            return json(a, "/health").at("/components/store/flights/flights_led").asLong() >= 2;
        });
        assertThat(get(b, "/odds?fixture_id=3-" + run).headers().firstValue("X-Cache")).as("shared again")
                .hasValue("HIT");
        assertThat(calls).hasValue(before + 1);
    }
}
