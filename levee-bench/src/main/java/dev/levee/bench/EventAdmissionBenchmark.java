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

import dev.levee.core.events.AcceptedEvent;
import dev.levee.core.events.EventPipeline;
import dev.levee.core.events.Thresholds;
import dev.levee.core.time.Scheduler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Cost of the event accept/reject decision ({@link EventPipeline#submit}), per call:
 * <ul>
 *   <li>{@code rejectWhileOpen}: circuit OPEN, a priority 5 event is refused (decision + Retry-After estimate);</li>
 *   <li>{@code shedLowPriority}: CLOSED at 80 % of critical, a priority 10 event is dropped;</li>
 *   <li>{@code acceptAndDeliver}: accepted, enqueued, claimed by a worker, delivered to a sink that completes at
 *       once, acked: the whole in-process life of an event, an upper bound of the decision's cost.</li>
 * </ul>
 * Run with {@code -bm sample} for percentiles (the bar: < 5 us at p99).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class EventAdmissionBenchmark {

    /** A scheduler that drops cancelled timeouts at once (delivery timeouts are cancelled on every success). */
    static Scheduler scheduler(ScheduledThreadPoolExecutor executor) {
        executor.setRemoveOnCancelPolicy(true);
        return (task, delay, unit) -> {
            var f = executor.schedule(task, delay, unit);
            return () -> f.cancel(false);
        };
    }

    @State(Scope.Benchmark)
    public static class Overloaded {
        final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
        EventPipeline<String> open;
        EventPipeline<String> shedding;

        @Setup(Level.Trial)
        public void setUp() {
            // deliveries never complete: the depth stays where the setup put it
            open = EventPipeline.builder((d, payload) -> new CompletableFuture<>())
                    .thresholds(Thresholds.of(8_000, 10_000, 4_000))
                    .workers(1).deliveryTimeout(Duration.ofHours(1))
                    .scheduler(scheduler(executor)).build();
            for (int i = 0; i < 10_000; i++) {
                open.submit("scheduled", 1, null);
            }
            shedding = EventPipeline.builder((d, payload) -> new CompletableFuture<>())
                    .thresholds(Thresholds.of(8_000, 10_000, 4_000))
                    .priorities(Map.of("batch-operation", 10))
                    .workers(1).deliveryTimeout(Duration.ofHours(1))
                    .scheduler(scheduler(executor)).build();
            for (int i = 0; i < 8_000; i++) {
                shedding.submit("telemetry-data", 5, null);
            }
            if (!open.submit("telemetry-data", null).isCompletedExceptionally()
                    || !shedding.submit("batch-operation", null).isCompletedExceptionally()) {
                throw new IllegalStateException("setup did not reach the thresholds");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            executor.shutdownNow();
        }
    }

    @State(Scope.Benchmark)
    public static class Flowing {
        final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
        final CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
        EventPipeline<String> pipeline;

        @Setup(Level.Trial)
        public void setUp() {
            pipeline = EventPipeline.builder((d, payload) -> done)
                    .priorities(Map.of("telemetry-data", 5))
                    .workers(8)
                    .scheduler(scheduler(executor)).build();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            executor.shutdownNow();
        }
    }

    @Benchmark
    public CompletableFuture<AcceptedEvent> rejectWhileOpen(Overloaded s) {
        return s.open.submit("telemetry-data", "{\"v\":1}");
    }

    @Benchmark
    public CompletableFuture<AcceptedEvent> shedLowPriority(Overloaded s) {
        return s.shedding.submit("batch-operation", "{\"v\":1}");
    }

    @Benchmark
    public CompletableFuture<AcceptedEvent> acceptAndDeliver(Flowing s) {
        return s.pipeline.submit("telemetry-data", "{\"v\":1}");
    }
}
