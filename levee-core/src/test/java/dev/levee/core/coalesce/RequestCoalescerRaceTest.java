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
package dev.levee.core.coalesce;

import dev.levee.core.time.Scheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads x many keys x many iterations, with fetches that complete synchronously, asynchronously on another
 * thread, fail, or throw, and callers that cancel. Invariants: never two fetches of one key at once (exactly one
 * fetch per generation); a caller never receives a value produced by a different key's fetch; every request is
 * accounted for as leader, coalesced or overflowed; no in-flight entries or waiter slots leak.
 */
class RequestCoalescerRaceTest {

    @Test
    void oneFetchPerKeyPerGenerationAndNothingLeaks() throws Exception {
        int threads = 8;
        int keys = 16;
        int iterations = 20_000;
        Scheduler never = (task, delay, unit) -> () -> true; // deadlines far away: none fires during the test
        RequestCoalescer<Integer, Long> coalescer = RequestCoalescer.<Integer, Long>builder()
                .scheduler(never).maxWait(Duration.ofMinutes(1)).maxWaitersPerKey(1_000).maxWaiters(10_000).build();
        ConcurrentHashMap<Integer, AtomicInteger> running = new ConcurrentHashMap<>();
        AtomicLong generation = new AtomicLong();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger staleResults = new AtomicInteger();
        AtomicLong fetches = new AtomicLong();
        CyclicBarrier barrier = new CyclicBarrier(threads);
        List<Thread> workers = new ArrayList<>();
        List<CompletableFuture<Long>> outstanding = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    barrier.await();
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int i = 0; i < iterations; i++) {
                        int key = rnd.nextInt(keys);
                        int mode = rnd.nextInt(4);
                        CompletableFuture<Long> f = coalescer.getOrFetch(key, () -> {
                            fetches.incrementAndGet();
                            AtomicInteger r = running.computeIfAbsent(key, k -> new AtomicInteger());
                            if (r.incrementAndGet() > 1) {
                                overlaps.incrementAndGet();
                            }
                            long gen = generation.incrementAndGet() * keys + key;
                            switch (mode) {
                                case 0 -> {
                                    r.decrementAndGet();
                                    return CompletableFuture.completedFuture(gen);
                                }
                                case 1 -> {
                                    r.decrementAndGet();
                                    throw new IllegalStateException("sync");
                                }
                                default -> {
                                    return CompletableFuture.supplyAsync(() -> {
                                        r.decrementAndGet();
                                        if (mode == 3) {
                                            throw new IllegalStateException("async");
                                        }
                                        return gen;
                                    }, CompletableFuture.delayedExecutor(rnd.nextInt(50), TimeUnit.MICROSECONDS));
                                }
                            }
                        });
                        if (rnd.nextInt(10) == 0) {
                            f.cancel(false);
                        }
                        f.whenComplete((v, e) -> {
                            if (v != null && v % keys != key) {
                                staleResults.incrementAndGet();
                            }
                        });
                        if (i % 64 == 0) {
                            outstanding.add(f);
                        }
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        for (CompletableFuture<Long> f : outstanding) {
            f.handle((v, e) -> null).get(30, TimeUnit.SECONDS);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> coalescer.stats().pendingKeys() == 0 && coalescer.stats().currentWaiters() == 0);
        CoalescerStats s = coalescer.stats();
        assertThat(overlaps).hasValue(0);
        assertThat(staleResults).hasValue(0);
        assertThat(s.totalRequests()).isEqualTo((long) threads * iterations);
        assertThat(s.apiCallsMade()).isEqualTo(fetches.get());
        assertThat(s.apiCallsMade() + s.coalescedRequests() + s.overflows()).isEqualTo(s.totalRequests());
        assertThat(s.pendingKeys()).isZero();
        assertThat(s.currentWaiters()).isZero();
    }
}
