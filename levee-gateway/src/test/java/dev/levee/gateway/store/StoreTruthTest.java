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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code store} fields tell the truth: on a Redis store the hot-spot section says {@code redis} and the store
 * section {@code type: redis} with the windows in Redis; when Redis goes away both say the windows are on the local
 * fallback (a redis-server of the test's own, stopped mid-test).
 */
class StoreTruthTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RedisProcess redis = newRedis();

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.get("/odds").handler(ctx -> ctx.end("{\"odds\":1.5}")))
            .config("""
                    store: { type: redis, redis: { url: "${redis}", command-timeout: 2s } }
                    routes:
                      - path: /odds
                        public: false
                        hot-spot: { key: "query:fixture_id", limit: 100, window: 60s, queue: 0 }
                    """.replace("${redis}", redis.url()))
            .build();

    private static RedisProcess newRedis() {
        RedisProcess p = RedisProcess.onFreePort();
        p.start();
        return p;
    }

    @AfterEach
    void down() {
        redis.close();
    }

    private JsonNode doc(String path) throws Exception {
        return JSON.readTree(gw.admin(path).body());
    }

    @Test
    void storeFieldsSayRedisAndThenTheLocalFallback() throws Exception {
        String fixture = "truth-" + UUID.randomUUID();
        assertThat(gw.get("/odds?fixture_id=" + fixture).statusCode()).isEqualTo(200);
        assertThat(doc("/health/hot-spots").get("store").asText()).isEqualTo("redis");
        JsonNode store = doc("/health").at("/components/store");
        assertThat(store.get("type").asText()).isEqualTo("redis");
        assertThat(store.get("hot_spot_windows").asText()).isEqualTo("redis");
        assertThat(store.get("status").asText()).isEqualTo("UP");
        assertThat(store.fieldNames().next()).as("the status first").isEqualTo("status");

        redis.stop();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            gw.get("/odds?fixture_id=" + fixture); // a decision, so the window store notices
            assertThat(doc("/health/hot-spots").get("store").asText()).isEqualTo("redis (local fallback)");
            JsonNode s = doc("/health").at("/components/store");
            assertThat(s.get("type").asText()).as("the configured type stays").isEqualTo("redis");
            assertThat(s.get("hot_spot_windows").asText()).startsWith("local fallback");
            assertThat(s.get("status").asText()).isEqualTo("DEGRADED");
        });
    }
}
