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

import dev.levee.core.hotspot.WindowDecision;
import dev.levee.redis.LocalRedis;
import dev.levee.redis.RedisConnection;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Against the machine's Redis (127.0.0.1:6379); every test writes under its own key prefix and deletes it. */
class RedisWindowStoreTest {
    static final Duration LEASE = Duration.ofSeconds(10);
    static final long SEC = 1_000_000; // microseconds

    static RedisConnection redis;
    static RedisCommands<String, String> sync;

    String prefix;
    RedisWindowStore store;

    @RegisterExtension
    static final LocalRedis LOCAL = new LocalRedis();

    @BeforeAll
    static void connect() {
        redis = LOCAL.connection();
        sync = LOCAL.sync();
    }

    @BeforeEach
    void setUp() {
        prefix = "levee-test:" + UUID.randomUUID() + ":";
        store = RedisWindowStore.create(redis, prefix, LEASE);
    }

    @AfterEach
    void cleanUp() {
        List<String> keys = new ArrayList<>();
        sync.scan(c -> keys.add(c), ScanArgs.Builder.matches(prefix + "*").limit(1000));
        if (!keys.isEmpty()) {
            sync.del(keys.toArray(String[]::new));
        }
    }

    private WindowDecision at(String key, int limit, Duration window, long nowMicros) {
        return store.tryAcquireAt(key, limit, window, nowMicros).toCompletableFuture().join();
    }

    @Test
    void exactAtTheBoundaries() {
        Duration w = Duration.ofSeconds(1);
        long t0 = 1_000 * SEC;
        WindowDecision a = at("k", 3, w, t0);
        WindowDecision b = at("k", 3, w, t0 + 1);
        WindowDecision c = at("k", 3, w, t0 + 2);
        assertThat(List.of(a, b, c)).allMatch(WindowDecision::allowed);
        assertThat(c.count()).isEqualTo(3);
        assertThat(List.of(a.callId(), b.callId(), c.callId())).doesNotHaveDuplicates().allMatch(id -> id > 0);

        // every slot in flight: nothing can free before one window from now
        WindowDecision full = at("k", 3, w, t0 + 3);
        assertThat(full.allowed()).isFalse();
        assertThat(full.count()).isEqualTo(3);
        assertThat(full.retryAfterNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(1));

        // a ends at t0 + 100 ms: its slot frees exactly one window later
        store.callEndedAt("k", a, t0 + SEC / 10).toCompletableFuture().join();
        WindowDecision stillFull = at("k", 3, w, t0 + SEC / 10 + 1);
        assertThat(stillFull.allowed()).isFalse();
        assertThat(stillFull.retryAfterNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(1000)); // ceil(999.999 ms)
        assertThat(at("k", 3, w, t0 + SEC / 10 + SEC - 1).allowed()).as("1 us before the end leaves").isFalse();
        WindowDecision d = at("k", 3, w, t0 + SEC / 10 + SEC);
        assertThat(d.allowed()).as("exactly one window after the end").isTrue();
        assertThat(d.count()).isEqualTo(3);
    }

    @Test
    void retryAfterIsTheTimeUntilTheOldestEndedCallLeaves() {
        Duration w = Duration.ofMillis(500);
        long t0 = 2_000 * SEC;
        WindowDecision a = at("r", 2, w, t0);
        WindowDecision b = at("r", 2, w, t0);
        store.callEndedAt("r", a, t0 + 10_000).toCompletableFuture().join();
        store.callEndedAt("r", b, t0 + 20_000).toCompletableFuture().join();
        WindowDecision denied = at("r", 2, w, t0 + 110_000);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.retryAfterNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(400)); // 10 + 500 - 110
    }

    @Test
    void refundFreesTheSlotAtOnce() {
        Duration w = Duration.ofSeconds(60);
        long t0 = 3_000 * SEC;
        WindowDecision a = at("f", 1, w, t0);
        assertThat(at("f", 1, w, t0 + 1).allowed()).isFalse();
        store.refund("f", a, 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> sync.zcard(store.logKey("f")) == 0);
        assertThat(at("f", 1, w, t0 + 2).allowed()).isTrue();
    }

    @Test
    void aCallWhoseInstanceDiedFreesOneWindowAfterItsLease() {
        Duration w = Duration.ofSeconds(1);
        long t0 = 4_000 * SEC;
        at("dead", 1, w, t0); // never ended
        long lease = TimeUnit.NANOSECONDS.toMicros(LEASE.toNanos());
        assertThat(at("dead", 1, w, t0 + lease + SEC - 1).allowed()).isFalse();
        assertThat(at("dead", 1, w, t0 + lease + SEC).allowed()).isTrue();
    }

    @Test
    void ttlCoversTheWindowAndIdleKeysVanish() {
        Duration w = Duration.ofMillis(300);
        WindowDecision a = store.tryAcquire("ttl", 5, w, 0).toCompletableFuture().join();
        assertThat(a.allowed()).isTrue();
        long pttl = sync.pttl(store.logKey("ttl"));
        assertThat(pttl).isGreaterThan(LEASE.toMillis()).isLessThanOrEqualTo(LEASE.toMillis() + 300 + 2);
        assertThat(sync.pttl(store.metaKey("ttl"))).isGreaterThan(LEASE.toMillis());

        store.callEnded("ttl", a, 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> sync.pttl(store.logKey("ttl")) <= 300 + 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> sync.exists(store.logKey("ttl"), store.metaKey("ttl")) == 0);
    }

    @Test
    void slidesOnRedisTime() {
        Duration w = Duration.ofMillis(500);
        WindowDecision a = store.tryAcquire("time", 2, w, 0).toCompletableFuture().join();
        WindowDecision b = store.tryAcquire("time", 2, w, 0).toCompletableFuture().join();
        assertThat(a.allowed() && b.allowed()).isTrue();
        store.callEnded("time", a, 0);
        store.callEnded("time", b, 0);
        WindowDecision denied = store.tryAcquire("time", 2, w, 0).toCompletableFuture().join();
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.retryAfterNanos()).isPositive().isLessThanOrEqualTo(w.toNanos());
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> store.tryAcquire("time", 2, w, 0).toCompletableFuture().join().allowed());
    }

    @Test
    void concurrentAcquiresNeverExceedTheLimit() throws Exception {
        int limit = 50;
        int callers = 400;
        Duration w = Duration.ofSeconds(30);
        for (int round = 0; round < 5; round++) {
            String key = "race-" + round;
            ExecutorService pool = Executors.newFixedThreadPool(16);
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<WindowDecision>> all = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                CompletableFuture<WindowDecision> f = new CompletableFuture<>();
                all.add(f);
                pool.execute(() -> {
                    try {
                        go.await();
                        store.tryAcquire(key, limit, w, 0).whenComplete((d, e) -> {
                            if (e != null) {
                                f.completeExceptionally(e);
                            } else {
                                f.complete(d);
                            }
                        });
                    } catch (InterruptedException e) {
                        f.completeExceptionally(e);
                    }
                });
            }
            go.countDown();
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            pool.shutdown();
            List<WindowDecision> ds = all.stream().map(CompletableFuture::join).toList();
            assertThat(ds.stream().filter(WindowDecision::allowed).count()).isEqualTo(limit);
            assertThat(ds.stream().filter(WindowDecision::allowed).map(WindowDecision::callId).distinct().count())
                    .isEqualTo(limit);
            assertThat(ds.stream().filter(d -> !d.allowed())).allMatch(d -> d.count() == limit);
            assertThat(sync.zcard(store.logKey(key))).isEqualTo(limit);
        }
    }

    @Test
    void reloadsTheScriptAfterNoscript() {
        Duration w = Duration.ofSeconds(10);
        assertThat(at("ns", 2, w, 5_000 * SEC).allowed()).isTrue();
        sync.scriptFlush();
        assertThat(sync.scriptExists(RedisWindowStore.sha1ForTest(RedisWindowStore.ACQUIRE))).containsExactly(false);
        WindowDecision second = at("ns", 2, w, 5_000 * SEC + 1);
        assertThat(second.allowed()).isTrue();
        assertThat(second.count()).isEqualTo(2);
        assertThat(sync.scriptExists(RedisWindowStore.sha1ForTest(RedisWindowStore.ACQUIRE))).containsExactly(true);
    }

    @Test
    void keysAreHashTaggedPerWindow() {
        assertThat(store.logKey("fixture-7")).isEqualTo(prefix + "{hs:fixture-7}:log");
        assertThat(store.metaKey("fixture-7")).isEqualTo(prefix + "{hs:fixture-7}:meta");
        // the slot Redis Cluster computes (Lettuce's CRC16 of the hash tag): both keys of a window in one slot
        assertThat(SlotHash.getSlot(store.logKey("fixture-7"))).isEqualTo(SlotHash.getSlot(store.metaKey("fixture-7")))
                .isEqualTo(SlotHash.getSlot("hs:fixture-7"));
    }
}
