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
package dev.levee.redis.coalesce;

import dev.levee.core.cache.CachePolicy;
import dev.levee.core.cache.CacheResult;
import dev.levee.core.cache.CacheStatus;
import dev.levee.core.cache.SwrCache;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;
import dev.levee.redis.ClusterRedis;
import dev.levee.redis.RedisConnection;
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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cross-instance coalescing and the shared cache tier on a real three-primary Redis Cluster: two coordinators on
 * two cluster connections, the flights of different keys on different primaries, the notification (a plain
 * PUBLISH from the publish script) reaching the other instance's subscription wherever it is connected.
 */
class RedisFlightCoordinatorClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ClusterRedis CLUSTER = new ClusterRedis();
    static final Scheduler scheduler = Scheduler.system("flight-cluster-test");

    private final String prefix = "levee-test:" + UUID.randomUUID() + ":";
    private final List<RedisFlightCoordinator<String>> coordinators = new ArrayList<>();

    @AfterEach
    void close() {
        coordinators.forEach(RedisFlightCoordinator::close);
    }

    private RedisFlightCoordinator<String> coordinator(RedisConnection redis) {
        // a recheck far beyond the test's waits: a waiter can only be answered by the notification
        RedisFlightCoordinator<String> c = RedisFlightCoordinator.builder(redis, RedisFlightCoordinatorTest.CODEC)
                .prefix(prefix).lease(Duration.ofMinutes(10)).recheck(Duration.ofMinutes(10)).scheduler(scheduler)
                .build();
        coordinators.add(c);
        await().atMost(WAIT).until(c::subscribed);
        return c;
    }

    @Test
    void concurrentRunsOnTwoInstancesCostOneFetchPerKeyAndTheKeysSpread() throws Exception {
        RedisFlightCoordinator<String> a = coordinator(CLUSTER.a());
        RedisFlightCoordinator<String> b = coordinator(CLUSTER.b());
        Set<Long> slots = new HashSet<>();
        int keys = 6;
        for (int round = 0; round < keys; round++) {
            String key = "GET /odds?fixture_id=" + round;
            AtomicInteger fetches = new AtomicInteger();
            CompletableFuture<String> gate = new CompletableFuture<>();
            Supplier<CompletionStage<String>> fetch = () -> {
                fetches.incrementAndGet();
                return gate;
            };
            int runs = 20;
            List<CompletableFuture<String>> results = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                results.add((i % 2 == 0 ? a : b).run(key, fetch).toCompletableFuture());
            }
            // every run but the holder's waits on the holder before the fetch answers
            await().atMost(WAIT).until(() -> a.waitingFlights() + b.waitingFlights() == runs - 1);
            gate.complete("v" + round);
            for (CompletableFuture<String> r : results) {
                assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo("v" + round);
            }
            assertThat(fetches).as("round %d", round).hasValue(1);
            String base = a.base(RedisFlightCoordinator.hash(key));
            assertThat(CLUSTER.sync().exists(base + ":lock")).as("lock released").isZero();
            long slot = CLUSTER.sync().clusterKeyslot(base + ":res");
            assertThat(CLUSTER.sync().clusterKeyslot(base + ":lock")).isEqualTo(slot);
            assertThat(CLUSTER.sync().clusterKeyslot(base + ":entry")).isEqualTo(slot);
            slots.add(slot);
        }
        assertThat(a.stats().led() + b.stats().led()).isEqualTo(keys);
        assertThat(a.stats().fallbacks() + b.stats().fallbacks()).isZero();
        assertThat(slots).hasSize(keys);
        assertThat(CLUSTER.nodesHolding(prefix)).as("primaries holding flight results").isGreaterThan(1);
    }

    @Test
    void theSharedCacheTierServesAnotherInstancesEntry() throws Exception {
        RedisFlightCoordinator<String> a = coordinator(CLUSTER.a());
        RedisFlightCoordinator<String> b = coordinator(CLUSTER.b());
        SwrCache<String, String> cacheA = cache(a);
        SwrCache<String, String> cacheB = cache(b);
        CachePolicy policy = new CachePolicy(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(1));
        AtomicInteger fetches = new AtomicInteger();
        Supplier<CompletionStage<String>> loader =
                () -> CompletableFuture.completedFuture("odds-" + fetches.incrementAndGet());
        for (int f = 1; f <= 6; f++) {
            String key = "GET /odds?f=" + f;
            CacheResult<String> first = cacheA.get(key, policy, loader).get(30, TimeUnit.SECONDS);
            assertThat(first.status()).isEqualTo(CacheStatus.MISS);
            String entryKey = a.base(RedisFlightCoordinator.hash(key)) + ":entry";
            await().atMost(WAIT).until(() -> CLUSTER.sync().exists(entryKey) == 1);
            CacheResult<String> second = cacheB.get(key, policy, loader).get(30, TimeUnit.SECONDS);
            assertThat(second.status()).isEqualTo(CacheStatus.HIT);
            assertThat(second.value()).isEqualTo(first.value());
        }
        assertThat(fetches).hasValue(6);
        assertThat(b.stats().sharedHits()).isEqualTo(6);
        assertThat(CLUSTER.nodesHolding(prefix)).as("primaries holding cache entries").isGreaterThan(1);
    }

    private SwrCache<String, String> cache(RedisFlightCoordinator<String> c) {
        RequestCoalescer<String, String> coalescer = RequestCoalescer.<String, String>builder()
                .scheduler(scheduler).coordinator(c).build();
        return SwrCache.<String, String>builder().coalescer(coalescer).ticker(Ticker.system()).build();
    }
}
