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
import dev.levee.gateway.testing.GatewayExtension;
import dev.levee.testing.RedisCluster;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway instances with {@code store.redis.mode: cluster} on a real three-primary Redis Cluster of the test's
 * own: the store section is UP, a hot-spot key's limit holds across both instances (429 past it) for fixtures on
 * different primaries, and events are accepted (202) and delivered.
 */
class RedisClusterGatewayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LIMIT = 5;
    private static final int FIXTURES = 6;

    @RegisterExtension
    static final RedisCluster CLUSTER = RedisCluster.ofPrimaries(3);

    private final Map<String, Integer> delivered = new ConcurrentHashMap<>();
    private final String run = UUID.randomUUID().toString();

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .instances(2)
            .upstream(r -> {
                r.get("/odds").handler(ctx -> ctx.end("{\"odds\":1.5}"));
                r.post("/ingest").handler(ctx -> ctx.request().body().onSuccess(body -> {
                    delivered.merge(ctx.request().getHeader("X-Levee-Event-Id"), 1, Integer::sum);
                    ctx.response().setStatusCode(200).end();
                }));
            })
            .config("""
                    server: { host: 127.0.0.1, port: 0, event-loops: 2, shutdown-grace: 1s }
                    store:
                      type: redis
                      redis: { mode: cluster, nodes: [%s], expected-instances: 2, command-timeout: 5s }
                    events: { sink: "${upstream}/ingest", workers: 2, drain-grace: 1s }
                    routes:
                      - path: /odds
                        public: false
                        hot-spot: { key: "query:fixture_id", limit: %d, window: 60s, queue: 0 }
                    """.formatted(CLUSTER.nodeUrls().stream().map(u -> "\"" + u + "\"")
                    .collect(Collectors.joining(", ")), LIMIT))
            .build();

    private JsonNode store(int instance) throws Exception {
        return JSON.readTree(gw.admin(instance, "/health").body()).at("/components/store");
    }

    @Test
    void healthIsUpHotSpotLimitsHoldAcrossInstancesAndEventsAreAccepted() throws Exception {
        for (int i = 0; i < 2; i++) {
            int instance = i;
            await().atMost(Duration.ofSeconds(30)).until(() -> store(instance).path("connected").asBoolean());
            JsonNode s = store(instance);
            assertThat(s.get("status").asText()).as("instance %d", instance).isEqualTo("UP");
            assertThat(s.get("mode").asText()).isEqualTo("cluster");
            assertThat(s.get("hot_spot_windows").asText()).isEqualTo("redis");
        }
        assertThat(gw.admin("/metrics").body()).contains("levee_store_redis_up 1.0");

        for (int f = 0; f < FIXTURES; f++) {
            String fixture = run + "-" + f;
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 3 * LIMIT; i++) {
                statuses.add(gw.get(i % 2, "/odds?fixture_id=" + fixture).statusCode());
            }
            assertThat(statuses).as("fixture %s", fixture).filteredOn(c -> c == 200).hasSize(LIMIT);
            assertThat(statuses).filteredOn(c -> c == 429).hasSize(2 * LIMIT);
        }

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.uri(i % 2, "/api/v1/events"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"telemetry-data\",\"payload\":" + i + "}"))
                    .timeout(Duration.ofSeconds(30)).build());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            JSON.readTree(r.body()).get("ids").forEach(id -> ids.add(id.asText()));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> delivered.keySet().containsAll(ids));
        assertThat(store(0).get("status").asText()).isEqualTo("UP");
        assertThat(store(0).get("fallback_decisions").asLong()).as("decided by Redis").isZero();

        // the windows of different fixtures live on more than one primary
        int holding = 0;
        for (String url : CLUSTER.nodeUrls()) {
            RedisClient client = RedisClient.create(url);
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                if (!c.sync().keys("*{hs:*" + run + "*").isEmpty()) {
                    holding++;
                }
            } finally {
                client.shutdown();
            }
        }
        assertThat(holding).as("primaries holding this test's windows").isGreaterThan(1);
    }
}
