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
package dev.levee.bench.readpath;

import dev.levee.core.cache.CachePolicy;
import dev.levee.core.cache.CacheResult;
import dev.levee.core.cache.SwrCache;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.time.Scheduler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The core read path's own cost, without HTTP:
 * <ul>
 *   <li>{@code herdFanOut}: {@code waiters} callers join one cold key, then the fetch completes; measured is the
 *       whole cycle (joins + waking every waiter), i.e. what coalescing adds to a thundering herd;</li>
 *   <li>{@code cacheHit}: one fresh read of the stale-while-revalidate cache.</li>
 * </ul>
 * Run: {@code java -jar levee-bench/target/benchmarks.jar CoalescerBench}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CoalescerBench {
    @Param({"1000"})
    int waiters;

    private RequestCoalescer<String, String> coalescer;
    private SwrCache<String, String> cache;
    private final CachePolicy policy = new CachePolicy(Duration.ofHours(1), Duration.ofHours(1), Duration.ofSeconds(1));
    private long key;

    @Setup(Level.Trial)
    public void setup() {
        Scheduler noTimeouts = (task, delay, unit) -> () -> true; // deadlines never fire within a cycle
        coalescer = RequestCoalescer.<String, String>builder().scheduler(noTimeouts)
                .maxWaitersPerKey(100_000).maxWaiters(100_000).build();
        cache = SwrCache.<String, String>builder().coalescer(coalescer).build();
        cache.get("hot", policy, () -> CompletableFuture.completedFuture("value")).join();
    }

    @Benchmark
    public Object herdFanOut() {
        String k = "cold-" + key++;
        CompletableFuture<String> upstream = new CompletableFuture<>();
        CompletableFuture<String> last = null;
        for (int i = 0; i < waiters; i++) {
            last = coalescer.getOrFetch(k, () -> upstream);
        }
        upstream.complete("value");
        return last.join();
    }

    @Benchmark
    public CacheResult<String> cacheHit() {
        return cache.get("hot", policy, () -> CompletableFuture.completedFuture("value")).join();
    }
}
