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

import dev.levee.core.cache.CacheEntry;
import dev.levee.core.cache.CachePolicy;
import dev.levee.core.cache.CacheResult;
import dev.levee.core.cache.CacheStatus;
import dev.levee.core.cache.SwrCache;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;
import dev.levee.redis.RedisConnection;
import dev.levee.testing.Ports;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Against the machine's Redis (127.0.0.1:6379). Two coordinators on two connections stand for two instances; every
 * test uses its own key prefix and deletes its keys.
 */
class RedisFlightCoordinatorTest {
    static final String URL = "redis://127.0.0.1:6379";

    static RedisConnection redisA;
    static RedisConnection redisB;
    static RedisClient client;
    static StatefulRedisConnection<String, String> conn;
    static RedisCommands<String, String> sync;
    static Scheduler scheduler;

    String prefix;
    final List<RedisFlightCoordinator<String>> coordinators = new ArrayList<>();

    /** Values are strings; errors are shared as their message, except UnsupportedOperationException (local). */
    static final ValueCodec<String> CODEC = new ValueCodec<>() {
        @Override
        public byte[] encode(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public byte[] encodeError(Throwable error) {
            return error instanceof UnsupportedOperationException ? null
                    : String.valueOf(error.getMessage()).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Throwable decodeError(byte[] bytes) {
            return new IllegalStateException(new String(bytes, StandardCharsets.UTF_8));
        }
    };

    @BeforeAll
    static void connect() {
        redisA = RedisConnection.connect(URL, Duration.ofSeconds(2));
        redisB = RedisConnection.connect(URL, Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> redisA.isConnected() && redisB.isConnected());
        client = RedisClient.create(URL);
        conn = client.connect();
        sync = conn.sync();
        scheduler = Scheduler.system("flight-test");
    }

    @AfterAll
    static void disconnect() {
        conn.close();
        client.shutdown();
        redisA.close();
        redisB.close();
    }

    @BeforeEach
    void setUp() {
        prefix = "levee-test:" + UUID.randomUUID() + ":";
    }

    @AfterEach
    void cleanUp() {
        coordinators.forEach(RedisFlightCoordinator::close);
        List<String> keys = new ArrayList<>();
        sync.scan(keys::add, ScanArgs.Builder.matches(prefix + "*").limit(1000));
        if (!keys.isEmpty()) {
            sync.del(keys.toArray(String[]::new));
        }
    }

    RedisFlightCoordinator<String> coordinator(RedisConnection redis, Duration lease) {
        RedisFlightCoordinator<String> c = RedisFlightCoordinator.builder(redis, CODEC).prefix(prefix).lease(lease)
                .recheck(Duration.ofMillis(100)).scheduler(scheduler).build();
        coordinators.add(c);
        await().atMost(Duration.ofSeconds(5)).until(c::subscribed);
        return c;
    }

    @Test
    void manyConcurrentRunsOnTwoInstancesCostOneFetch() throws Exception {
        RedisFlightCoordinator<String> a = coordinator(redisA, Duration.ofSeconds(10));
        RedisFlightCoordinator<String> b = coordinator(redisB, Duration.ofSeconds(10));
        for (int round = 0; round < 5; round++) {
            String key = "GET /odds?fixture_id=" + round;
            AtomicInteger fetches = new AtomicInteger();
            CompletableFuture<String> gate = new CompletableFuture<>();
            Supplier<CompletionStage<String>> fetch = () -> {
                fetches.incrementAndGet();
                return gate;
            };
            int runs = 40;
            List<CompletableFuture<String>> results = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<CompletableFuture<CompletableFuture<String>>> started = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    RedisFlightCoordinator<String> c = i % 2 == 0 ? a : b;
                    started.add(CompletableFuture.supplyAsync(() -> c.run(key, fetch).toCompletableFuture(), pool));
                }
                for (var s : started) {
                    results.add(s.get(10, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdown();
            }
            // every run but the holder's is waiting on the holder before the fetch answers
            await().atMost(Duration.ofSeconds(10)).until(() -> a.waitingFlights() + b.waitingFlights() == runs - 1);
            gate.complete("v" + round);
            for (CompletableFuture<String> r : results) {
                assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo("v" + round);
            }
            assertThat(fetches).as("round %d", round).hasValue(1);
            assertThat(a.waitingFlights() + b.waitingFlights()).isZero();
            assertThat(sync.exists(a.base(RedisFlightCoordinator.hash(key)) + ":lock")).as("lock released").isZero();
        }
        assertThat(a.stats().led() + b.stats().led()).isEqualTo(5);
        assertThat(a.stats().joined() + b.stats().joined()).isEqualTo(5 * 39);
        assertThat(a.stats().fallbacks() + b.stats().fallbacks()).isZero();
    }

    /**
     * Race: four coordinators (instances) on two connections, 16 threads, few keys, thousands of runs with fetches
     * of random length. Invariants: never two fetches of one key at once across instances (the lock), every run
     * completes with a value some fetch of its key produced, nothing falls back, no waiter is left behind.
     */
    @Test
    void raceNeverTwoFetchesOfAKeyAtOnceAndEveryRunGetsAFetchedValue() throws Exception {
        List<RedisFlightCoordinator<String>> cs = List.of(coordinator(redisA, Duration.ofSeconds(10)),
                coordinator(redisB, Duration.ofSeconds(10)), coordinator(redisA, Duration.ofSeconds(10)),
                coordinator(redisB, Duration.ofSeconds(10)));
        int keys = 8;
        int runs = 3000;
        java.util.concurrent.ConcurrentHashMap<String, AtomicInteger> inFlight = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.Set<String> produced = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger fetches = new AtomicInteger();
        java.util.concurrent.ScheduledExecutorService delays = Executors.newScheduledThreadPool(2);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<CompletableFuture<Void>> checks = new ArrayList<>();
        try {
            for (int i = 0; i < runs; i++) {
                int n = i;
                checks.add(CompletableFuture.supplyAsync(() -> {
                    String key = "race-" + (n % keys);
                    RedisFlightCoordinator<String> c = cs.get(n % cs.size());
                    return c.run(key, () -> {
                        if (inFlight.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
                            overlaps.incrementAndGet();
                        }
                        String v = key + "#" + fetches.incrementAndGet();
                        CompletableFuture<String> f = new CompletableFuture<>();
                        delays.schedule(() -> {
                            produced.add(v);
                            inFlight.get(key).decrementAndGet();
                            f.complete(v);
                        }, java.util.concurrent.ThreadLocalRandom.current().nextInt(0, 4), TimeUnit.MILLISECONDS);
                        return f;
                    }).toCompletableFuture().thenAccept(v -> {
                        assertThat(v).startsWith(key + "#");
                        assertThat(produced).contains(v);
                    });
                }, pool).thenCompose(f -> f));
            }
            CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdown();
            delays.shutdown();
        }
        assertThat(overlaps).as("fetches of one key running at once").hasValue(0);
        assertThat(fetches.get()).as("runs were coalesced").isLessThan(runs);
        long fallbacks = cs.stream().mapToLong(RedisFlightCoordinator::fallbacks).sum();
        assertThat(fallbacks).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> cs.stream().mapToInt(RedisFlightCoordinator::waitingFlights)
                .sum() == 0);
    }

    @Test
    void theOtherInstanceReceivesThePublishedValue() throws Exception {
        RedisFlightCoordinator<String> a = coordinator(redisA, Duration.ofSeconds(10));
        RedisFlightCoordinator<String> b = coordinator(redisB, Duration.ofSeconds(10));
        CompletableFuture<String> gate = new CompletableFuture<>();
        CompletableFuture<String> ra = a.run("k", () -> gate).toCompletableFuture();
        await().until(() -> sync.exists(a.base(RedisFlightCoordinator.hash("k")) + ":lock") == 1);
        AtomicInteger bFetches = new AtomicInteger();
        CompletableFuture<String> rb = b.run("k", () -> {
            bFetches.incrementAndGet();
            return CompletableFuture.completedFuture("from-b");
        }).toCompletableFuture();
        await().until(() -> b.waitingFlights() == 1);
        gate.complete("from-a");
        assertThat(ra.get(5, TimeUnit.SECONDS)).isEqualTo("from-a");
        assertThat(rb.get(5, TimeUnit.SECONDS)).isEqualTo("from-a");
        assertThat(bFetches).hasValue(0);
        String res = sync.get(a.base(RedisFlightCoordinator.hash("k")) + ":res");
        assertThat(FlightRecord.parse(res).payload()).isEqualTo("from-a".getBytes(StandardCharsets.UTF_8));
        assertThat(sync.pttl(a.base(RedisFlightCoordinator.hash("k")) + ":res")).isPositive();
    }

    @Test
    void aWaiterTakesOverWhenTheHolderNeverPublishes() throws Exception {
        Duration lease = Duration.ofMillis(400);
        RedisFlightCoordinator<String> a = coordinator(redisA, lease);
        RedisFlightCoordinator<String> b = coordinator(redisB, lease);
        // the holder "dies": its fetch never completes, so it never publishes nor releases the lock
        a.run("dead", CompletableFuture::new);
        String lockKey = a.base(RedisFlightCoordinator.hash("dead")) + ":lock";
        await().until(() -> sync.exists(lockKey) == 1);
        assertThat(sync.pttl(lockKey)).as("the lock expires by itself").isBetween(1L, lease.toMillis());
        AtomicInteger bFetches = new AtomicInteger();
        CompletableFuture<String> rb = b.run("dead", () -> {
            bFetches.incrementAndGet();
            return CompletableFuture.completedFuture("taken-over");
        }).toCompletableFuture();
        assertThat(rb.get(5, TimeUnit.SECONDS)).isEqualTo("taken-over");
        assertThat(bFetches).hasValue(1);
        assertThat(b.stats().takeovers()).isEqualTo(1);
        assertThat(b.stats().led()).isEqualTo(1);
    }

    @Test
    void aSharedErrorFailsTheWaitersOfTheOtherInstanceFast() throws Exception {
        RedisFlightCoordinator<String> a = coordinator(redisA, Duration.ofSeconds(10));
        RedisFlightCoordinator<String> b = coordinator(redisB, Duration.ofSeconds(10));
        CompletableFuture<String> gate = new CompletableFuture<>();
        CompletableFuture<String> ra = a.run("err", () -> gate).toCompletableFuture();
        await().until(() -> sync.exists(a.base(RedisFlightCoordinator.hash("err")) + ":lock") == 1);
        AtomicInteger bFetches = new AtomicInteger();
        CompletableFuture<String> rb = b.run("err", () -> {
            bFetches.incrementAndGet();
            return CompletableFuture.completedFuture("never");
        }).toCompletableFuture();
        await().until(() -> b.waitingFlights() == 1);
        gate.completeExceptionally(new IllegalStateException("upstream 503"));
        assertThatThrownBy(() -> ra.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("upstream 503");
        assertThatThrownBy(() -> rb.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("upstream 503");
        assertThat(bFetches).hasValue(0);
    }

    @Test
    void anErrorTheCodecDoesNotShareLetsTheWaiterFetchItself() throws Exception {
        RedisFlightCoordinator<String> a = coordinator(redisA, Duration.ofSeconds(10));
        RedisFlightCoordinator<String> b = coordinator(redisB, Duration.ofSeconds(10));
        CompletableFuture<String> gate = new CompletableFuture<>();
        a.run("local-err", () -> gate);
        await().until(() -> sync.exists(a.base(RedisFlightCoordinator.hash("local-err")) + ":lock") == 1);
        CompletableFuture<String> rb = b.run("local-err", () -> CompletableFuture.completedFuture("mine"))
                .toCompletableFuture();
        await().until(() -> b.waitingFlights() == 1);
        gate.completeExceptionally(new UnsupportedOperationException("breaker open on a"));
        assertThat(rb.get(5, TimeUnit.SECONDS)).isEqualTo("mine");
    }

    @Test
    void theSharedCacheTierServesAnotherInstancesEntryWithItsOwnTimes() throws Exception {
        RedisFlightCoordinator<String> a = coordinator(redisA, Duration.ofSeconds(10));
        RedisFlightCoordinator<String> b = coordinator(redisB, Duration.ofSeconds(10));
        SwrCache<String, String> cacheA = cache(a);
        SwrCache<String, String> cacheB = cache(b);
        CachePolicy policy = new CachePolicy(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(1));
        AtomicInteger fetches = new AtomicInteger();
        Supplier<CompletionStage<String>> loader = () -> CompletableFuture.completedFuture("odds-" + fetches.incrementAndGet());

        CacheResult<String> first = cacheA.get("GET /odds?f=1", policy, loader).get(5, TimeUnit.SECONDS);
        assertThat(first.status()).isEqualTo(CacheStatus.MISS);
        // the entry lands in Redis after A answered; B's read must find it (not race it)
        String entryKey = a.base(RedisFlightCoordinator.hash("GET /odds?f=1")) + ":entry";
        await().until(() -> sync.exists(entryKey) == 1);
        assertThat(sync.pttl(entryKey)).as("TTL = stale end").isBetween(80_000L, 90_000L);
        await().pollDelay(Duration.ofMillis(5)).until(() -> true); // B asks strictly after A stored

        CacheResult<String> second = cacheB.get("GET /odds?f=1", policy, loader).get(5, TimeUnit.SECONDS);
        assertThat(second.value()).isEqualTo("odds-1");
        assertThat(second.status()).isEqualTo(CacheStatus.HIT);
        assertThat(fetches).hasValue(1);
        CacheEntry<String> ea = cacheA.peek("GET /odds?f=1");
        CacheEntry<String> eb = cacheB.peek("GET /odds?f=1");
        assertThat(eb.storedAtMillis()).isEqualTo(ea.storedAtMillis());
        assertThat(eb.freshUntilMillis()).isEqualTo(ea.freshUntilMillis());
        assertThat(b.stats().sharedHits()).isEqualTo(1);
        // and B's next read is a plain local hit (Caffeine in front)
        assertThat(cacheB.get("GET /odds?f=1", policy, loader).get(5, TimeUnit.SECONDS).status())
                .isEqualTo(CacheStatus.HIT);
        assertThat(b.stats().sharedHits()).isEqualTo(1);
    }

    private SwrCache<String, String> cache(RedisFlightCoordinator<String> c) {
        RequestCoalescer<String, String> coalescer = RequestCoalescer.<String, String>builder()
                .scheduler(scheduler).coordinator(c).build();
        return SwrCache.<String, String>builder().coalescer(coalescer).ticker(Ticker.system()).build();
    }

    @Test
    void redisUnreachableRunsTheFetchLocally() throws Exception {
        int port = Ports.closed();
        try (RedisConnection down = RedisConnection.connect("redis://127.0.0.1:" + port, Duration.ofMillis(200))) {
            RedisFlightCoordinator<String> c = RedisFlightCoordinator.builder(down, CODEC).prefix(prefix)
                    .scheduler(scheduler).build();
            coordinators.add(c);
            String v = c.run("k", () -> CompletableFuture.completedFuture("local")).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            assertThat(v).isEqualTo("local");
            assertThat(c.fallbacks()).isEqualTo(1);
            assertThat(c.sharedUp()).isFalse();
        }
    }
}
