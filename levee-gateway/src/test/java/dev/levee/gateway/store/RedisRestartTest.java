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
import dev.levee.testing.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A redis-server of the test's own is stopped and restarted in the middle of a run: decisions fall back to the
 * local window at limit / expected-instances (health DEGRADED, metrics), never fail or allow everything, and go
 * back to Redis after the restart (health UP), keeping to the local share for the first window after it.
 */
class RedisRestartTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LIMIT = 10;

    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private RedisProcess redis;
    private GatewayServer gateway;

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.shutdown().await(30, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
        if (redis != null) {
            redis.close();
        }
    }

    private HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private HttpResponse<String> ops(String path) { // the admin listener
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminPort() + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** {@code n} concurrent requests for {@code fixture}; the statuses. */
    private List<Integer> burst(String fixture, int n) {
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                    + "/odds?fixture_id=" + fixture)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        return all.stream().map(f -> f.join().statusCode()).toList();
    }

    private JsonNode storeHealth() throws Exception {
        return JSON.readTree(ops("/health").body()).at("/components/store");
    }

    private double metric(String name) {
        return ops("/metrics").body().lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name));
    }

    @Test
    void fallsBackWhileRedisIsDownAndRecoversAfterTheRestart() throws Exception {
        redis = RedisProcess.onFreePort();
        redis.start();
        HttpServer up = SharedWindowTest.upstream(vertx, new ConcurrentLinkedQueue<>());
        // window 30 s, max wait 1 s: once the window is full every waiter is told 429 at once, so each burst shows
        // the limit in force (queue 0 would also refuse callers that arrive while a Redis decision is in flight)
        gateway = GatewayServer.start(vertx, SharedWindowTest.config("http://127.0.0.1:" + up.actualPort(),
                redis.url(), LIMIT, Duration.ofSeconds(30), 100, Duration.ofSeconds(1))).await(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> storeHealth().get("connected").asBoolean());

        List<Integer> before = burst("a", 30);
        assertThat(before).filteredOn(s -> s == 200).hasSize(LIMIT);
        assertThat(before).filteredOn(s -> s == 429).hasSize(30 - LIMIT);
        assertThat(storeHealth().get("status").asText()).isEqualTo("UP");
        assertThat(metric("levee_store_redis_up")).isEqualTo(1.0);

        redis.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> storeHealth().get("status").asText().equals("DEGRADED"));
        assertThat(JSON.readTree(ops("/health").body()).get("status").asText()).isEqualTo("DEGRADED");
        assertThat(metric("levee_store_redis_up")).isEqualTo(0.0);

        // down: a fresh key gets limit / expected-instances locally, the rest 429; never a 5xx, never everything
        List<Integer> down = burst("b", 30);
        assertThat(down).filteredOn(s -> s == 200).hasSize(LIMIT / 2);
        assertThat(down).filteredOn(s -> s == 429).hasSize(30 - LIMIT / 2);
        // the 5 grants and at least the first denial were store decisions (later callers are refused by the
        // limiter from that denial's "full until", without asking the store)
        assertThat(metric("levee_store_fallback_decisions_total")).isGreaterThanOrEqualTo(LIMIT / 2 + 1);
        assertThat(storeHealth().get("fallback_decisions").asLong()).isGreaterThanOrEqualTo(LIMIT / 2 + 1);

        redis.start(); // same port, empty (no persistence)
        AtomicInteger probes = new AtomicInteger();
        // back to Redis with the first shared decision that succeeds after Lettuce reconnected
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            get("/odds?fixture_id=probe-" + probes.incrementAndGet());
            return storeHealth().get("status").asText().equals("UP");
        });
        assertThat(metric("levee_store_redis_up")).isEqualTo(1.0);
        // back on Redis, but for one window after the switch each instance also keeps to its local share (Redis
        // does not know the calls granted locally during the outage): 5 here, each one recorded in Redis
        List<Integer> after = burst("c", 30);
        assertThat(after).filteredOn(s -> s == 200).hasSize(LIMIT / 2);
        assertThat(after).filteredOn(s -> s == 429).hasSize(30 - LIMIT / 2);
        RedisClient client = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> c.sync().zcard("levee:{hs:/odds|c}:log") == LIMIT / 2);
        } finally {
            client.shutdown();
        }
    }
}
