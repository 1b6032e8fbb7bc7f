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
import dev.levee.gateway.hotspot.HotSpotFeature;
import dev.levee.gateway.testing.GatewayExtension;
import dev.levee.testing.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hot-spot route without a queue on the Redis store (a redis-server of the test's own): a burst of concurrent
 * requests on one fixture with an empty window gets exactly the limit upstream, although each window decision is
 * a Redis round trip during which the other requests arrive, and the rest get 429 at once.
 */
class RedisHotSpotNoQueueTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROUTE = "/odds";
    private static final int REQUESTS = 20;
    private static final int LIMIT = 5;

    @RegisterExtension
    static final RedisProcess REDIS = RedisProcess.onFreePort();

    private final AtomicInteger upstreamCalls = new AtomicInteger();

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.get(ROUTE).handler(ctx -> {
                upstreamCalls.incrementAndGet();
                ctx.vertx().setTimer(20, t -> ctx.end("{\"odds\":1.5}")); // calls overlap, as real ones do
            }))
            .config("""
                    store: { type: redis, redis: { url: "%s", command-timeout: 10s } }
                    routes:
                      - path: /odds
                        public: false
                        hot-spot: { key: "query:fixture_id", limit: 5, window: 60s, queue: 0 }
                    """.formatted(REDIS.url()))
            .build();

    private List<CompletableFuture<HttpResponse<String>>> burst(String fixture) {
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            HttpRequest req = HttpRequest.newBuilder(gw.uri(ROUTE + "?fixture_id=" + fixture))
                    .timeout(Duration.ofSeconds(30)).GET().build();
            all.add(gw.http().sendAsync(req, HttpResponse.BodyHandlers.ofString()));
        }
        return all;
    }

    private void assertTheLimitWentUpstreamAndTheRestGot429(List<CompletableFuture<HttpResponse<String>>> all)
            throws Exception {
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        List<HttpResponse<String>> responses = all.stream().map(CompletableFuture::join).toList();

        assertThat(responses.stream().filter(r -> r.statusCode() == 200)).as("200 of %d", REQUESTS).hasSize(LIMIT);
        assertThat(upstreamCalls).hasValue(LIMIT);
        List<HttpResponse<String>> limited = responses.stream().filter(r -> r.statusCode() == 429).toList();
        assertThat(limited).hasSize(REQUESTS - LIMIT).allSatisfy(r -> {
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.get("error").asText()).isEqualTo("Too many requests for this resource");
            assertThat(r.headers().firstValue("Retry-After")).hasValue(body.get("retry_after").asText());
        });

        JsonNode section = JSON.readTree(gw.admin("/health/hot-spots").body());
        assertThat(section.get("store").asText()).as("the configured store").isEqualTo("redis");
        JsonNode totals = section.get("totals");
        assertThat(totals.get("granted").asLong()).isEqualTo(LIMIT);
        assertThat(totals.at("/rejected_by_reason/queue_full").asLong()).isEqualTo(REQUESTS - LIMIT);
        assertThat(totals.get("queued").asInt()).isZero();
        JsonNode health = JSON.readTree(gw.admin("/health").body());
        assertThat(health.at("/components/store/fallback_decisions").asLong()).as("decided by Redis").isZero();
    }

    @Test
    void aBurstOnOneFixtureGetsTheLimitUpstreamAndTheRest429() throws Exception {
        assertTheLimitWentUpstreamAndTheRestGot429(burst("no-queue-" + UUID.randomUUID()));
    }

    /**
     * The same burst while Redis holds its answers until every request has reached the limiter: all of them arrive
     * while the first decision is in flight (the race a real burst only sometimes hits).
     */
    @Test
    void aBurstThatArrivesWhileTheFirstDecisionIsInFlightGetsTheLimitToo() throws Exception {
        RedisClient client = RedisClient.create(REDIS.url());
        try (StatefulRedisConnection<String, String> admin = client.connect()) {
            // WRITE: scripts (the window decisions) wait, this connection's CLIENT UNPAUSE does not
            redisClient(admin, "PAUSE", "20000", "WRITE");
            List<CompletableFuture<HttpResponse<String>>> all = burst("held-" + UUID.randomUUID());
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    gw.gateway().feature(HotSpotFeature.class).limiter(ROUTE).snapshot(1).requests() == REQUESTS);
            assertThat(all).noneMatch(f -> f.isDone() && f.join().statusCode() == 200);
            redisClient(admin, "UNPAUSE");
            assertTheLimitWentUpstreamAndTheRestGot429(all);
        } finally {
            client.shutdown();
        }
    }

    private static void redisClient(StatefulRedisConnection<String, String> c, String... args) {
        CommandArgs<String, String> a = new CommandArgs<>(StringCodec.UTF8);
        for (String arg : args) {
            a.add(arg);
        }
        assertThat(c.sync().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8), a)).isEqualTo("OK");
    }
}
