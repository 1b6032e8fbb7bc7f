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
package dev.levee.redis.hotspot;

import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.hotspot.HotSpotRejectedException;
import dev.levee.core.hotspot.Permit;
import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;
import dev.levee.redis.ClusterRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hot-spot windows on a real three-primary Redis Cluster: two limiters (two instances, two cluster connections)
 * share each key's limit, the keys of different fixtures live on different primaries, and the two keys of one
 * window on one slot (the script touches both).
 */
class RedisWindowStoreClusterTest {
    private static final int LIMIT = 5;
    private static final int FIXTURES = 12;
    private static final Duration WINDOW = Duration.ofSeconds(60);

    @RegisterExtension
    static final ClusterRedis CLUSTER = new ClusterRedis();

    private final String prefix = "levee-test:" + UUID.randomUUID() + ":";
    private final List<HotSpotLimiter> limiters = new ArrayList<>();

    @AfterEach
    void close() {
        limiters.forEach(HotSpotLimiter::close);
    }

    private HotSpotLimiter limiter(RedisWindowStore store) {
        HotSpotLimiter l = HotSpotLimiter.builder().limit(LIMIT).window(WINDOW).queueCapacity(0)
                .maxWait(Duration.ZERO).store(store).ticker(Ticker.system())
                .scheduler(Scheduler.system("hot-spot-cluster-test")).build();
        limiters.add(l);
        return l;
    }

    @Test
    void twoInstancesShareEachKeysLimitAndTheKeysSpreadOverThePrimaries() throws Exception {
        RedisWindowStore storeA = RedisWindowStore.create(CLUSTER.a(), prefix, Duration.ofSeconds(10));
        RedisWindowStore storeB = RedisWindowStore.create(CLUSTER.b(), prefix, Duration.ofSeconds(10));
        HotSpotLimiter a = limiter(storeA);
        HotSpotLimiter b = limiter(storeB);
        Set<Integer> slots = new HashSet<>();
        for (int f = 1; f <= FIXTURES; f++) {
            String key = "fixture-" + f;
            int granted = 0;
            int rejected = 0;
            for (int i = 0; i < 4 * LIMIT; i++) {
                CompletableFuture<Permit> call = (i % 2 == 0 ? a : b).acquire(key).toCompletableFuture();
                try {
                    call.get(30, TimeUnit.SECONDS);
                    granted++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(HotSpotRejectedException.class);
                    rejected++;
                }
            }
            assertThat(granted).as("granted on %s by two instances", key).isEqualTo(LIMIT);
            assertThat(rejected).isEqualTo(3 * LIMIT);
            assertThat(CLUSTER.sync().zcard(storeA.logKey(key))).isEqualTo(LIMIT);
            long slot = CLUSTER.sync().clusterKeyslot(storeA.logKey(key));
            assertThat(CLUSTER.sync().clusterKeyslot(storeA.metaKey(key))).as("log and meta on one slot")
                    .isEqualTo(slot);
            slots.add((int) slot);
        }
        assertThat(a.snapshot(FIXTURES).granted() + b.snapshot(FIXTURES).granted()).isEqualTo(FIXTURES * LIMIT);
        assertThat(slots).as("one slot per fixture").hasSize(FIXTURES);
        assertThat(CLUSTER.nodesHolding(prefix)).as("primaries holding window keys").isGreaterThan(1);
        for (int f = 1; f <= FIXTURES; f++) {
            assertThat(CLUSTER.sync().clusterCountKeysInSlot(
                    CLUSTER.sync().clusterKeyslot(storeA.logKey("fixture-" + f)).intValue())).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void aRefundAndAnEndedCallReachTheKeysPrimary() throws Exception {
        RedisWindowStore store = RedisWindowStore.create(CLUSTER.a(), prefix, Duration.ofSeconds(10));
        HotSpotLimiter l = limiter(store);
        List<Permit> permits = new ArrayList<>();
        for (int i = 0; i < LIMIT; i++) {
            permits.add(l.acquire("refund-key").toCompletableFuture().get(30, TimeUnit.SECONDS));
        }
        assertThat(CLUSTER.sync().zcard(store.logKey("refund-key"))).isEqualTo(LIMIT);
        try {
            l.acquire("refund-key").toCompletableFuture().join();
            throw new AssertionError("granted past the limit");
        } catch (CompletionException expected) {
            assertThat(expected.getCause()).isInstanceOf(HotSpotRejectedException.class);
        }
        // an ended call stays counted one window; the ZSET keeps its member, re-scored
        permits.getFirst().release();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> l.snapshot(1).inFlight()
                == LIMIT - 1);
        assertThat(CLUSTER.sync().zcard(store.logKey("refund-key"))).isEqualTo(LIMIT);
        // a refunded call leaves the log at once (a ZREM routed to the key's primary)
        permits.get(1).refund();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> CLUSTER.sync().zcard(store.logKey("refund-key")) == LIMIT - 1);
        permits.subList(2, LIMIT).forEach(Permit::release);
    }
}
