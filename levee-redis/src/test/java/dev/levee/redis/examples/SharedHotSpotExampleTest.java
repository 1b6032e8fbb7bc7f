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
package dev.levee.redis.examples;

import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.hotspot.HotSpotRejectedException;
import dev.levee.core.time.Scheduler;
import dev.levee.redis.LocalRedis;
import dev.levee.redis.RedisConnection;
import dev.levee.redis.hotspot.RedisWindowStore;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** README "Use it as a library": one hot-spot limit shared by every instance through Redis (the machine's Redis). */
class SharedHotSpotExampleTest {
    @RegisterExtension
    static final LocalRedis LOCAL = new LocalRedis(); // for cleaning up this test's keys

    private final String prefix = "levee-example:" + UUID.randomUUID() + ":";

    @AfterEach
    void cleanUp() {
        RedisCommands<String, String> sync = LOCAL.sync();
        List<String> keys = new ArrayList<>();
        sync.scan(keys::add, ScanArgs.Builder.matches(prefix + "*").limit(1000));
        if (!keys.isEmpty()) {
            sync.del(keys.toArray(String[]::new));
        }
    }

    @Test
    void twoInstancesOnOneRedisShareOneWindowPerKey() {
        // README:begin redis-hot-spot
        RedisConnection redis = RedisConnection.connect("redis://127.0.0.1:6379", Duration.ofSeconds(2));
        // prefix: "levee:" normally; callLease: how long a call of a crashed instance still counts
        RedisWindowStore windows = RedisWindowStore.create(redis, prefix, Duration.ofSeconds(30));
        HotSpotLimiter limiter = HotSpotLimiter.builder()
                .limit(50).window(Duration.ofSeconds(60))   // for all instances together
                .store(windows)
                .scheduler(Scheduler.system("levee-hot-spot"))
                .build();
        // README:end redis-hot-spot
        HotSpotLimiter otherInstance = HotSpotLimiter.builder().limit(50).window(Duration.ofSeconds(60))
                .store(windows).scheduler(Scheduler.system("levee-hot-spot-2")).build();
        try (redis; limiter; otherInstance) {
            await().atMost(Duration.ofSeconds(10)).until(redis::isConnected);
            for (int i = 0; i < 30; i++) {
                limiter.call("fixture-42", () -> "odds");
            }
            for (int i = 0; i < 20; i++) {
                otherInstance.call("fixture-42", () -> "odds");
            }
            assertThatThrownBy(() -> otherInstance.call("fixture-42", () -> "odds"))
                    .isInstanceOf(HotSpotRejectedException.class);
            assertThatThrownBy(() -> limiter.call("fixture-42", () -> "odds"))
                    .isInstanceOf(HotSpotRejectedException.class);
            assertThat(limiter.call("fixture-7", () -> "other key")).isEqualTo("other key");
        }
    }
}
