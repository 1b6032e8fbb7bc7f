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
package dev.levee.redis;

import dev.levee.core.hotspot.WindowDecision;
import dev.levee.redis.hotspot.RedisWindowStore;
import dev.levee.testing.RedisProcess;
import dev.levee.testing.RedisSentinel;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A connection through Redis Sentinel (a {@code redis-sentinel://} url): the sentinel names the primary, the
 * stores run on it. Connecting only; failover is not tested here.
 */
class SentinelConnectionTest {
    @RegisterExtension
    @Order(1)
    static final RedisProcess PRIMARY = RedisProcess.onFreePort();

    @RegisterExtension
    @Order(2)
    static final RedisSentinel SENTINEL = RedisSentinel.monitoring(PRIMARY, "levee-primary");

    @Test
    void theSentinelsPrimaryServesTheStores() throws Exception {
        try (RedisConnection redis = RedisConnection.connect(SENTINEL.url(), Duration.ofSeconds(2))) {
            await().atMost(Duration.ofSeconds(30)).until(redis::isConnected);
            assertThat(redis.address()).isEqualTo("sentinel levee-primary via 127.0.0.1:" + SENTINEL.port());
            assertThat(redis.isCluster()).isFalse();
            RedisWindowStore store = RedisWindowStore.create(redis, "levee-test:" + UUID.randomUUID() + ":",
                    Duration.ofSeconds(10));
            WindowDecision first = store.tryAcquire("k", 1, Duration.ofSeconds(60), 0).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            WindowDecision second = store.tryAcquire("k", 1, Duration.ofSeconds(60), 0).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            assertThat(first.allowed()).isTrue();
            assertThat(second.allowed()).isFalse();
            await().atMost(Duration.ofSeconds(30)).until(() -> redis.durability() == Durability.NONE);
            assertThat(redis.waitForReplication(0, 100).get(30, TimeUnit.SECONDS)).isZero();
        }
    }
}
