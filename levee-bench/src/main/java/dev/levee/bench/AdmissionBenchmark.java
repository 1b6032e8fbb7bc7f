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
package dev.levee.bench;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import dev.levee.core.admission.Permit;
import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.time.Scheduler;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.internal.SemaphoreBulkhead;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Cost of taking and returning one concurrency permit when one is free (the path every admitted request takes),
 * on one thread and on two threads sharing the limiter: Levee's {@link PriorityAdmission} next to Resilience4j's
 * SemaphoreBulkhead and Netflix concurrency-limits' SimpleLimiter with a fixed limit. The limit (1000) is far
 * above the thread count, so nobody queues: this measures the bookkeeping, not waiting.
 *
 * <p>What differs: Levee's permit carries its class, wait time and exactly-once release, and the fast path
 * takes a lock (its whole state sits behind one lock; see DefaultPriorityAdmission); the bulkhead is a
 * java.util.concurrent.Semaphore (one CAS each way); SimpleLimiter is an AtomicInteger plus a listener object.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AdmissionBenchmark {
    private static final int LIMIT = 1000;

    private PriorityAdmission levee;
    private SemaphoreBulkhead bulkhead;
    private SimpleLimiter<Void> simpleLimiter;

    @Setup
    public void setup() {
        levee = PriorityAdmission.builder()
                .addClass("agent").addClass("active_bettor").addClass("browser") // the gateway's three
                .maxConcurrent(LIMIT)
                .scheduler(Scheduler.system("bench-timeouts"))
                .build();
        bulkhead = new SemaphoreBulkhead("bench", BulkheadConfig.custom()
                .maxConcurrentCalls(LIMIT)
                .maxWaitDuration(Duration.ZERO)
                .build());
        simpleLimiter = SimpleLimiter.newBuilder().limit(FixedLimit.of(LIMIT)).build();
    }

    private boolean levee() {
        Permit p = levee.acquire("agent").join();
        return p.release();
    }

    private boolean bulkhead() {
        if (!bulkhead.tryAcquirePermission()) {
            return false;
        }
        bulkhead.onComplete();
        return true;
    }

    private boolean simpleLimiter() {
        Optional<Limiter.Listener> listener = simpleLimiter.acquire(null);
        if (listener.isEmpty()) {
            return false;
        }
        listener.get().onSuccess();
        return true;
    }

    @Benchmark
    @Threads(1)
    public boolean levee_1thread() {
        return levee();
    }

    @Benchmark
    @Threads(1)
    public boolean r4jSemaphoreBulkhead_1thread() {
        return bulkhead();
    }

    @Benchmark
    @Threads(1)
    public boolean simpleLimiter_1thread() {
        return simpleLimiter();
    }

    @Benchmark
    @Threads(2)
    public boolean levee_2threads() {
        return levee();
    }

    @Benchmark
    @Threads(2)
    public boolean r4jSemaphoreBulkhead_2threads() {
        return bulkhead();
    }

    @Benchmark
    @Threads(2)
    public boolean simpleLimiter_2threads() {
        return simpleLimiter();
    }
}
