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
import dev.levee.testing.RedisProcess;
import dev.levee.testing.RedisSentinel;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A gateway with {@code store.redis.mode: sentinel}: connected to the primary a real Redis Sentinel names, the store
 * section UP, a hot-spot limit decided in Redis, an event accepted. Connecting only: failover is not tested here.
 */
class RedisSentinelGatewayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LIMIT = 3;

    @RegisterExtension
    @Order(1)
    static final RedisProcess PRIMARY = RedisProcess.onFreePort();

    @RegisterExtension
    @Order(2)
    static final RedisSentinel SENTINEL = RedisSentinel.monitoring(PRIMARY, "levee-primary");

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> {
                r.get("/odds").handler(ctx -> ctx.end("{\"odds\":1.5}"));
                r.post("/ingest").handler(ctx -> ctx.request().body().onSuccess(b -> ctx.response().end()));
            })
            .config("""
                    server: { host: 127.0.0.1, port: 0, event-loops: 2, shutdown-grace: 1s }
                    store: { type: redis, redis: { mode: sentinel, url: "%s", command-timeout: 5s } }
                    events: { sink: "${upstream}/ingest", workers: 1, drain-grace: 1s }
                    routes:
                      - path: /odds
                        public: false
                        hot-spot: { key: "query:fixture_id", limit: %d, window: 60s, queue: 0 }
                    """.formatted(SENTINEL.url(), LIMIT))
            .build();

    @Test
    void healthIsUpAndTheStoresRunOnTheSentinelsPrimary() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(gw.admin("/health").body())
                .at("/components/store/connected").asBoolean());
        JsonNode store = JSON.readTree(gw.admin("/health").body()).at("/components/store");
        assertThat(store.get("status").asText()).isEqualTo("UP");
        assertThat(store.get("mode").asText()).isEqualTo("sentinel");
        assertThat(store.get("redis").asText()).isEqualTo("sentinel levee-primary via 127.0.0.1:" + SENTINEL.port());

        String fixture = UUID.randomUUID().toString();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 2 * LIMIT; i++) {
            statuses.add(gw.get("/odds?fixture_id=" + fixture).statusCode());
        }
        assertThat(statuses).filteredOn(c -> c == 200).hasSize(LIMIT);
        assertThat(statuses).filteredOn(c -> c == 429).hasSize(LIMIT);

        HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.uri("/api/v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"telemetry-data\"}"))
                .timeout(Duration.ofSeconds(30)).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(JSON.readTree(gw.admin("/health").body()).at("/components/store/fallback_decisions").asLong())
                .isZero();
    }
}
