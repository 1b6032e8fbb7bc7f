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
package dev.levee.core.cache;

import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.time.ManualTicker;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readers on many threads over a few keys, moving time forward as they go (entries go fresh -> stale -> expired
 * over and over) and loads succeed or fail at random, synchronously or on another thread. Invariants:
 * never two loads of one key at once (a stale read never adds a second refresh, a miss never races a refresh);
 * every successful read returns a value of its own key; no coalescer waiter or in-flight entry leaks.
 */
class SwrCacheRaceTest {

    @Test
    void atMostOneLoadPerKeyAndNothingLeaks() throws Exception {
        ManualTicker time = new ManualTicker();
        RequestCoalescer<Integer, String> coalescer = RequestCoalescer.<Integer, String>builder()
                .ticker(time).scheduler((task, delay, unit) -> () -> true)
                .maxWaitersPerKey(10_000).maxWaiters(100_000).build();
        SwrCache<Integer, String> cache = SwrCache.<Integer, String>builder().ticker(time).coalescer(coalescer)
                .maxEntries(1_000).maxBytes(1 << 20).weigher(String::length).build();
        CachePolicy policy = new CachePolicy(Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMillis(3));
        int threads = 6;
        int keys = 8;
        int iterations = 20_000;
        ConcurrentHashMap<Integer, AtomicInteger> loading = new ConcurrentHashMap<>();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger wrongValues = new AtomicInteger();
        AtomicInteger loads = new AtomicInteger();
        CyclicBarrier barrier = new CyclicBarrier(threads);
        List<CompletableFuture<CacheResult<String>>> sampled = java.util.Collections.synchronizedList(new ArrayList<>());

        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread r = new Thread(() -> {
                try {
                    barrier.await();
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int i = 0; i < iterations; i++) {
                        if (i % 16 == 15) {
                            // readers drive the clock, so time moves at the pace of reads on any machine:
                            // about 16 reads per simulated millisecond, every entry goes fresh -> stale -> gone
                            time.advance(1, TimeUnit.MILLISECONDS);
                        }
                        int key = rnd.nextInt(keys);
                        CompletableFuture<CacheResult<String>> f = cache.get(key, policy, () -> {
                            loads.incrementAndGet();
                            AtomicInteger l = loading.computeIfAbsent(key, k -> new AtomicInteger());
                            if (l.incrementAndGet() > 1) {
                                overlaps.incrementAndGet();
                            }
                            boolean fail = rnd.nextInt(5) == 0;
                            if (rnd.nextBoolean()) {
                                l.decrementAndGet();
                                return fail ? CompletableFuture.failedFuture(new IllegalStateException("503"))
                                        : CompletableFuture.completedFuture("v" + key);
                            }
                            return CompletableFuture.supplyAsync(() -> {
                                l.decrementAndGet();
                                if (fail) {
                                    throw new IllegalStateException("503");
                                }
                                return "v" + key;
                            }, CompletableFuture.delayedExecutor(rnd.nextInt(100), TimeUnit.MICROSECONDS));
                        });
                        f.whenComplete((v, e) -> {
                            if (v != null && !v.value().equals("v" + key)) {
                                wrongValues.incrementAndGet();
                            }
                        });
                        if (i % 128 == 0) {
                            sampled.add(f);
                        }
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            readers.add(r);
            r.start();
        }
        for (Thread r : readers) {
            r.join();
        }
        for (CompletableFuture<CacheResult<String>> f : sampled) {
            f.handle((v, e) -> null).get(30, TimeUnit.SECONDS);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                coalescer.stats().pendingKeys() == 0 && coalescer.stats().currentWaiters() == 0);
        assertThat(overlaps).hasValue(0);
        assertThat(wrongValues).hasValue(0);
        assertThat(loads.get()).isPositive();
        CacheStats s = cache.stats();
        assertThat(s.hits() + s.staleHits() + s.staleIfError() + s.misses() + s.coalesced() + s.negativeHits())
                .isEqualTo((long) threads * iterations);
        assertThat(s.staleHits()).isPositive();
        assertThat(s.refreshes()).isPositive();
    }
}
