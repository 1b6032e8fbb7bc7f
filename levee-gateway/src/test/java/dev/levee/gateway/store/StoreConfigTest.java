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

import dev.levee.gateway.config.ConfigException;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.LeveeConfig;
import dev.levee.gateway.config.StoreConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreConfigTest {

    @Test
    void defaultsAndOverrides() {
        LeveeConfig d = ConfigLoader.load(Map.of());
        assertThat(d.store().type()).isEqualTo(StoreConfig.Type.memory);
        assertThat(d.store().redis().expectedInstances()).isEqualTo(2);
        assertThat(d.store().redis().commandTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(d.store().redis().callLease()).isEqualTo(Duration.ofSeconds(60));
        assertThat(d.store().redis().eventsWait().replicas()).as("off by default").isZero();
        assertThat(d.store().redis().eventsWait().timeout()).isEqualTo(Duration.ofMillis(100));

        LeveeConfig c = ConfigLoader.load("store: { type: redis, redis: { url: \"redis://10.0.0.5:6380\","
                + " expected-instances: 4, command-timeout: 200ms } }", Map.of("LEVEE_STORE_REDIS_CALL_LEASE", "20s"));
        assertThat(c.store().type()).isEqualTo(StoreConfig.Type.redis);
        assertThat(c.store().redis().url()).isEqualTo("redis://10.0.0.5:6380");
        assertThat(c.store().redis().expectedInstances()).isEqualTo(4);
        assertThat(c.store().redis().commandTimeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.store().redis().callLease()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void rejectsBadValuesWithTheKeyPath() {
        assertThatThrownBy(() -> ConfigLoader.load("store: { redis: { command-timeout: 0s } }", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("store.redis.command-timeout: 0")
                .hasMessageContaining("expected: > 0");
        assertThatThrownBy(() -> ConfigLoader.load("store: { redis: { expected-instances: 0 } }", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("store.redis.expected-instances: 0");
        assertThatThrownBy(() -> ConfigLoader.load("store: { redis: { url: \"http://x\" } }", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("store.redis.url: 'http://x'");
    }

    @Test
    void eventsWaitIsValidated() {
        LeveeConfig c = ConfigLoader.load("store: { redis: { events-wait: { replicas: 2, timeout: 250ms } } }",
                Map.of());
        assertThat(c.store().redis().eventsWait()).isEqualTo(new StoreConfig.EventsWait(2, Duration.ofMillis(250)));
        assertThatThrownBy(() -> ConfigLoader.load("store: { redis: { events-wait: { replicas: -1 } } }", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.redis.events-wait.replicas: -1 (expected: 0..100)");
        assertThatThrownBy(() -> ConfigLoader.load("store: { redis: { events-wait: { timeout: 0s } } }", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.redis.events-wait.timeout: 0s (expected: > 0)");
        // WAIT runs under the command timeout: a longer wait could only end as a command timeout
        assertThatThrownBy(() -> ConfigLoader.load(
                "store: { redis: { command-timeout: 500ms, events-wait: { replicas: 1, timeout: 500ms } } }", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.redis.events-wait.timeout: 500ms (expected: < command-timeout 500ms)");
        // WAITAOF needs Redis 7.2: not offered, so not silently ignored either
        assertThatThrownBy(() -> ConfigLoader.load("store: { redis: { events-wait: { aof: true } } }", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("store.redis.events-wait.aof");
    }

    @Test
    void aclCredentialsAndTlsCaFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        LeveeConfig d = ConfigLoader.load(Map.of());
        assertThat(d.store().redis().username()).isNull();
        assertThat(d.store().redis().password()).isNull();
        assertThat(d.store().redis().tls().caFile()).isNull();

        java.nio.file.Path ca = java.nio.file.Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----");
        LeveeConfig c = ConfigLoader.load("store: { type: redis, redis: { url: \"rediss://redis:6380\","
                + " username: levee, tls: { ca-file: \"" + ca + "\" } } }",
                Map.of("LEVEE_STORE_REDIS_PASSWORD", "s3cret-from-env"));
        assertThat(c.store().redis().username()).isEqualTo("levee");
        assertThat(c.store().redis().password()).isEqualTo("s3cret-from-env");
        assertThat(c.store().redis().tls().caFile()).isEqualTo(ca.toString());
        assertThat(c.store().redis().toString()).doesNotContain("s3cret-from-env").contains("password=<redacted>");

        assertThatThrownBy(() -> ConfigLoader.load("store: { redis: { username: levee } }", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.redis.username: levee (expected: with a password)");
        assertThatThrownBy(() -> ConfigLoader.load("store: { redis: { url: \"rediss://r:6380\","
                + " tls: { ca-file: /no/such/ca.pem } } }", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.redis.tls.ca-file: /no/such/ca.pem (expected: a readable PEM file)");
        assertThatThrownBy(() -> ConfigLoader.load("store: { redis: { url: \"redis://r:6379\","
                + " tls: { ca-file: \"" + ca + "\" } } }", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.redis.tls.ca-file: " + ca + " (expected: with a rediss:// url");
        assertThatThrownBy(() -> ConfigLoader.load("store: { redis: { mode: cluster, nodes: [\"rediss://a:7000\","
                + " \"redis://b:7000\"], tls: { ca-file: \"" + ca + "\" } } }", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("(expected: with a rediss:// node");
    }

    @Test
    void clusterModeTakesSeedNodes() {
        LeveeConfig d = ConfigLoader.load(Map.of());
        assertThat(d.store().redis().mode()).as("default").isEqualTo(StoreConfig.Mode.standalone);
        assertThat(d.store().redis().nodes()).isEmpty();

        LeveeConfig c = ConfigLoader.load("store: { type: redis, redis: { mode: cluster, nodes: "
                + "[\"redis://host1:7000\", \"redis://host2:7000\"] } }", Map.of());
        assertThat(c.store().redis().mode()).isEqualTo(StoreConfig.Mode.cluster);
        assertThat(c.store().redis().nodes()).containsExactly("redis://host1:7000", "redis://host2:7000");

        LeveeConfig e = ConfigLoader.load("store: { type: redis, redis: { mode: cluster } }",
                Map.of("LEVEE_STORE_REDIS_NODES", "redis://a:7000, redis://b:7001"));
        assertThat(e.store().redis().nodes()).containsExactly("redis://a:7000", "redis://b:7001");
        LeveeConfig one = ConfigLoader.load("store: { type: redis, redis: { mode: cluster, nodes: redis://a:7000 } }",
                Map.of());
        assertThat(one.store().redis().nodes()).containsExactly("redis://a:7000");
    }

    @Test
    void clusterModeRejectsMissingOrBadNodesAndEventsWait() {
        assertThatThrownBy(() -> ConfigLoader.load("store: { redis: { mode: cluster } }", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("store.redis.nodes: []")
                .hasMessageContaining("mode: cluster");
        assertThatThrownBy(() -> ConfigLoader.load("store: { redis: { mode: cluster, nodes: [\"host1:7000\"] } }",
                Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.redis.nodes[0]: 'host1:7000' (expected: redis://host:port)");
        assertThatThrownBy(() -> ConfigLoader.load("store: { redis: { mode: cluster, nodes: [\"redis://a:7000\"],"
                + " events-wait: { replicas: 1 } } }", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.redis.events-wait.replicas: 1 (expected: 0 with mode: cluster");
        assertThatThrownBy(() -> ConfigLoader.load("store: { redis: { mode: replicated } }", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("store.redis.mode: 'replicated'");
    }

    @Test
    void sentinelModeTakesARedisSentinelUrl() {
        LeveeConfig c = ConfigLoader.load("store: { type: redis, redis: { mode: sentinel,"
                + " url: \"redis-sentinel://10.0.0.1:26379,10.0.0.2:26379#mymaster\" } }", Map.of());
        assertThat(c.store().redis().mode()).isEqualTo(StoreConfig.Mode.sentinel);
        assertThat(c.store().redis().url()).isEqualTo("redis-sentinel://10.0.0.1:26379,10.0.0.2:26379#mymaster");
        // a redis-sentinel:// url alone points at the mode it needs
        assertThatThrownBy(() -> ConfigLoader.load(
                "store: { redis: { url: \"redis-sentinel://10.0.0.1:26379#mymaster\" } }", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.redis.url: 'redis-sentinel://10.0.0.1:26379#mymaster'")
                .hasMessageContaining("needs mode: sentinel");
        assertThatThrownBy(() -> ConfigLoader.load("store: { redis: { mode: sentinel,"
                + " url: \"redis-sentinel://10.0.0.1:26379\" } }", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.redis.url: 'redis-sentinel://10.0.0.1:26379' (expected with mode:"
                        + " sentinel: redis-sentinel://host:port[,host:port]#master)");
        assertThatThrownBy(() -> ConfigLoader.load("store: { redis: { mode: sentinel } }", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.redis.url: 'redis://127.0.0.1:6379' (expected with mode: sentinel");
    }
}
