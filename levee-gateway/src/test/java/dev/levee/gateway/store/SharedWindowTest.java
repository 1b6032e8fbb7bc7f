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
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.LeveeConfig;
import dev.levee.gateway.testing.GatewayExtension;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway instances with {@code store.type: redis} (the machine's Redis) in front of one upstream that logs
 * when each call arrives: their hot-spot windows are one window.
 */
class SharedWindowTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LIMIT = 20;
    private static final Duration WINDOW = Duration.ofSeconds(1);

    private final ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .instances(2)
            .upstream(r -> r.get("/odds").handler(ctx -> {
                arrivals.add(System.nanoTime());
                ctx.vertx().setTimer(5, t -> ctx.end("{\"odds\":1.5}"));
            }))
            .config("""
                    events: { enabled: false }
                    store:
                      type: redis
                      redis: { url: "redis://127.0.0.1:6379", expected-instances: 2, command-timeout: 2s }
                    routes:
                      - path: /odds
                        public: false
                        hot-spot: { key: "query:fixture_id", limit: %d, window: %dms, queue: 100, max-wait: 2500ms }
                        # the windows are tested, not the breaker: on a loaded machine the burst's calls can pass
                        # slow-call-duration and open it (503 "Upstream circuit open")
                        breaker: { enabled: false }
                    """.formatted(LIMIT, WINDOW.toMillis()))
            .build();

    static LeveeConfig config(String upstream, String redisUrl, int limit, Duration window, int queue,
                              Duration maxWait) {
        return ConfigLoader.load("""
                server: { host: 127.0.0.1, port: 0, event-loops: 2, shutdown-grace: 2s, drain-period: 0s }
                admin: { port: 0 }
                upstream: { url: "%s" }
                events: { enabled: false }
                store: { type: redis, redis: { url: "%s", expected-instances: 2, command-timeout: 2s } }
                routes:
                  - path: /odds
                    public: false
                    hot-spot: { key: "query:fixture_id", limit: %d, window: %dms, queue: %d, max-wait: %dms }
                """.formatted(upstream, redisUrl, limit, window.toMillis(), queue, maxWait.toMillis()), Map.of());
    }

    static HttpServer upstream(Vertx vertx, ConcurrentLinkedQueue<Long> arrivals) throws Exception {
        Router r = Router.router(vertx);
        r.get("/odds").handler(ctx -> {
            arrivals.add(System.nanoTime());
            vertx.setTimer(5, t -> ctx.end("{\"odds\":1.5}"));
        });
        return vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    @Test
    void twoInstancesNeverLetMoreThanTheLimitThroughInAnyWindow() throws Exception {
        assertThat(gw.gateway(0).port()).isNotEqualTo(gw.gateway(1).port());
        String fixture = "shared-" + UUID.randomUUID(); // keys of earlier runs may still live in Redis

        // 400 concurrent clients, half through each instance, in two waves a window apart
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int wave = 0; wave < 2; wave++) {
            for (int i = 0; i < 200; i++) {
                HttpRequest req = HttpRequest.newBuilder(gw.uri(i % 2, "/odds?fixture_id=" + fixture))
                        .timeout(Duration.ofSeconds(30)).GET().build();
                all.add(gw.http().sendAsync(req, HttpResponse.BodyHandlers.ofString()));
            }
            if (wave == 0) {
                CompletableFuture.anyOf(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)),
                        CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS)))
                        .join();
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        List<HttpResponse<String>> responses = all.stream().map(CompletableFuture::join).toList();

        long ok = responses.stream().filter(r -> r.statusCode() == 200).count();
        long limited = responses.stream().filter(r -> r.statusCode() == 429).count();
        assertThat(ok + limited).as("only 200 and 429: " + responses.stream().filter(r -> r.statusCode() != 200
                && r.statusCode() != 429).map(r -> r.statusCode() + " " + r.body()).distinct().toList())
                .isEqualTo(responses.size());
        assertThat(ok).isEqualTo(arrivals.size());
        assertThat(ok).as("both windows were used").isGreaterThan(LIMIT);
        assertThat(limited).isPositive();
        for (HttpResponse<String> r : responses) {
            if (r.statusCode() == 429) {
                JsonNode body = JSON.readTree(r.body());
                assertThat(r.headers().firstValue("Retry-After")).hasValue(body.get("retry_after").asText());
            }
        }

        // the invariant: no interval of one window holds more than LIMIT arrivals, across both instances
        List<Long> t = arrivals.stream().sorted().toList();
        long windowNanos = WINDOW.toNanos() - TimeUnit.MILLISECONDS.toNanos(1); // clock granularity margin
        for (int i = 0; i + LIMIT < t.size(); i++) {
            assertThat(t.get(i + LIMIT) - t.get(i)).as("arrivals %d..%d", i, i + LIMIT)
                    .isGreaterThanOrEqualTo(windowNanos);
        }
        // and the first window really was shared: one instance alone would have let LIMIT through by itself
        long firstWindow = t.stream().filter(x -> x - t.get(0) < WINDOW.toNanos()).count();
        assertThat(firstWindow).isEqualTo(LIMIT);

        for (int i = 0; i < gw.instances(); i++) {
            JsonNode health = JSON.readTree(gw.admin(i, "/health").body());
            assertThat(health.at("/components/store/status").asText()).isEqualTo("UP");
            assertThat(health.at("/components/store/fallback_decisions").asLong()).isZero();
        }
    }
}
