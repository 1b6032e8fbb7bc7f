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
package dev.levee.core.hotspot;

import dev.levee.core.time.ManualTicker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many threads on one hot key and many cold keys, with the in-memory store answering at once and with a store
 * answering later on other threads (the way the Redis store will), with releases, refunds, cancellations and permits held across
 * time steps. Time moves between rounds (all threads wait at a barrier), so every grant's time is exact; within a
 * round the threads race freely on the limiter. Invariant, checked on the recorded log of grants: no key ever has
 * more than {@code limit} calls in any interval of length {@code window}; every caller gets exactly one outcome;
 * every permit is ended exactly once; nothing stays queued or in flight.
 */
class HotSpotLimiterRaceTest {
    private static final int LIMIT = 5;
    private static final Duration WINDOW = Duration.ofMillis(100);
    private static final int THREADS = 8;
    private static final int ROUNDS = 150;
    private static final int OPS = 150;

    /**
     * A store whose answers arrive later, on other threads (as Redis answers would); {@link #quiet} is true when no
     * decision is outstanding, so time only moves between rounds once every decision of the round is made.
     */
    static final class AsyncStore implements WindowStore {
        private final WindowStore inner;
        private final ExecutorService executor = Executors.newFixedThreadPool(2);
        private final AtomicInteger outstanding = new AtomicInteger();

        AsyncStore(WindowStore inner) {
            this.inner = inner;
        }

        @Override
        public CompletionStage<WindowDecision> tryAcquire(String key, int limit, Duration window, long nowNanos) {
            outstanding.incrementAndGet();
            CompletableFuture<WindowDecision> f = new CompletableFuture<>();
            executor.execute(() -> {
                try {
                    f.complete(inner.tryAcquire(key, limit, window, nowNanos).toCompletableFuture().join());
                } finally {
                    outstanding.decrementAndGet();
                }
            });
            return f;
        }

        @Override
        public void callEnded(String key, WindowDecision grant, long nowNanos) {
            inner.callEnded(key, grant, nowNanos);
        }

        @Override
        public void refund(String key, WindowDecision grant, long nowNanos) {
            inner.refund(key, grant, nowNanos);
        }

        boolean quiet() {
            return outstanding.get() == 0;
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void neverMoreThanTheLimitInAnyWindowUnderContention(boolean asyncStore) throws Exception {
        ManualTicker time = new ManualTicker();
        HotSpotSettings settings = new HotSpotSettings(LIMIT, WINDOW, 20, Duration.ofMillis(300), 200, 0.8, 64);
        AsyncStore async = asyncStore ? new AsyncStore(WindowStore.inMemory(150)) : null;
        HotSpotLimiter limiter = Limiters.builder(settings)
                .store(async != null ? async : WindowStore.inMemory(150)).ticker(time).scheduler(time).build();
        Map<String, Queue<Long>> grants = new ConcurrentHashMap<>();
        Queue<Permit> held = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Permit>> all = new ArrayList<>();
        Queue<CompletableFuture<Permit>> futures = new ConcurrentLinkedQueue<>();
        AtomicInteger doubleEnds = new AtomicInteger();
        // the hot key takes its key state and log first: with more active keys than logs (301 for 150), the keys
        // that came first keep theirs and the rest share the overflow window (the documented policy)
        Permit seed = limiter.acquire("hot").join();
        grants.computeIfAbsent("hot", k -> new ConcurrentLinkedQueue<>()).add(seed.grantedAtNanos());
        seed.release();
        CyclicBarrier start = new CyclicBarrier(THREADS + 1);
        CyclicBarrier end = new CyclicBarrier(THREADS + 1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Thread worker = new Thread(() -> {
                try {
                    for (int r = 0; r < ROUNDS; r++) {
                        start.await();
                        ThreadLocalRandom rnd = ThreadLocalRandom.current();
                        for (int i = 0; i < OPS; i++) {
                            String key = rnd.nextInt(3) == 0 ? "hot" : "k" + rnd.nextInt(300);
                            CompletableFuture<Permit> f = limiter.acquire(key);
                            futures.add(f);
                            f.thenAccept(p -> {
                                grants.computeIfAbsent(p.key(), k -> new ConcurrentLinkedQueue<>())
                                        .add(p.grantedAtNanos());
                                int action = ThreadLocalRandom.current().nextInt(10);
                                if (action < 6) {
                                    p.release();
                                } else {
                                    held.add(p);                  // ended by someone in a later round
                                }
                            });
                            if (rnd.nextInt(50) == 0) {
                                f.cancel(false);
                            }
                            Permit p = held.poll();
                            if (p != null) {
                                boolean first = rnd.nextBoolean() ? p.release() : p.release();
                                if (!first || p.release() || p.refund()) {
                                    doubleEnds.incrementAndGet();
                                }
                            }
                        }
                        end.await();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            worker.start();
            workers.add(worker);
        }
        for (int r = 0; r < ROUNDS; r++) {
            start.await();
            end.await();
            if (async != null) {
                await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(async::quiet);
            }
            time.advance(ThreadLocalRandom.current().nextInt(0, 30), TimeUnit.MILLISECONDS);
        }
        for (Thread w : workers) {
            w.join();
        }
        for (int i = 0; i < 10; i++) {              // every waiter is served (and its permit ended) or times out
            for (Permit p; (p = held.poll()) != null; ) {
                p.release();
            }
            time.advance(Duration.ofMillis(300));
            if (async != null) {
                await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(async::quiet);
            }
        }
        all.addAll(futures);

        assertThat(doubleEnds).hasValue(0);
        assertThat(all).hasSize(THREADS * ROUNDS * OPS).allMatch(CompletableFuture::isDone);
        long granted = grants.values().stream().mapToLong(Queue::size).sum();
        WindowStore inner = async != null ? async.inner : null;
        assertThat(grants.get("hot")).as("%s %s", ((DefaultHotSpotLimiter) limiter).debug("hot"),
                        inner != null ? ((MemoryWindowStore) inner).debug("hot") : "").hasSizeGreaterThan(ROUNDS / 10 * LIMIT / 2);
        for (Map.Entry<String, Queue<Long>> e : grants.entrySet()) {
            List<Long> times = new ArrayList<>(e.getValue());
            HotSpotLimiterTest.assertWindowNeverExceeded(times, LIMIT, WINDOW);
        }
        HotSpotSnapshot s = limiter.snapshot(10);
        assertThat(s.queued()).isZero();
        assertThat(s.inFlight()).isZero();
        assertThat(s.trackedKeys()).isLessThanOrEqualTo(200);
        assertThat(s.requests()).isEqualTo(THREADS * ROUNDS * OPS + 1);
        long cancelled = all.stream().filter(CompletableFuture::isCancelled).count();
        assertThat(s.granted() + s.rejected() + cancelled).isGreaterThanOrEqualTo(s.requests());
        assertThat(s.rejectedKeysExhausted()).as("over capacity: some keys had no key state").isPositive();
        assertThat(s.granted()).isGreaterThanOrEqualTo(granted);
        limiter.close();
        if (async != null) {
            async.close();
        }
    }
}
