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
}
