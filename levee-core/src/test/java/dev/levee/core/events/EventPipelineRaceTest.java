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
package dev.levee.core.events;

import dev.levee.core.time.Scheduler;
import org.junit.jupiter.api.RepeatedTest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many producers against a few workers and a flaky asynchronous sink, with thresholds small enough that the
 * circuit opens, half-opens and closes during the run. Invariants: every accepted event is delivered or
 * dead-lettered exactly once, nothing else is, and every count adds up.
 */
class EventPipelineRaceTest {

    @RepeatedTest(3)
    void everyAcceptedEventIsDeliveredOrDeadLetteredExactlyOnce() throws Exception {
        int producers = 8;
        int perProducer = 5_000;
        ExecutorService sinkPool = Executors.newFixedThreadPool(4);
        Set<String> delivered = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        int workers = 6;
        EventSink<Object> flaky = (d, payload) -> CompletableFuture.runAsync(() -> {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                if (ThreadLocalRandom.current().nextInt(100) < 30) {
                    throw new IllegalStateException("flaky");
                }
                if (!delivered.add(d.event().id())) {
                    duplicates.incrementAndGet();
                }
            } finally {
                concurrent.decrementAndGet();
            }
        }, sinkPool);
        EventPipeline<String> p = EventPipeline.builder(flaky)
                .thresholds(new Thresholds(1_500, 2_000, 500, 4_000, Duration.ofMillis(50)))
                .workers(workers).maxAttempts(3)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(4))
                .deliveryTimeout(Duration.ofMinutes(5)) // no timeouts: an attempt ends only by the sink
                .scheduler(Scheduler.system("race-scheduler"))
                .deadLetterCapacity(100_000)
                .build();

        List<Set<String>> acceptedPerProducer = new ArrayList<>();
        AtomicInteger rejected = new AtomicInteger();
        AtomicInteger badAdmissions = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < producers; t++) {
            Set<String> mine = new HashSet<>();
            acceptedPerProducer.add(mine);
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                int[] prios = {1, 5, 10};
                for (int i = 0; i < perProducer; i++) {
                    Outcome a = Outcome.of(p.submit("t", prios[i % 3], null));
                    if (a.accepted()) {
                        if (!mine.add(a.id())) {
                            badAdmissions.incrementAndGet();
                        }
                    } else {
                        rejected.incrementAndGet();
                        if (a.retryAfterSeconds() < 1 || a.id() != null) {
                            badAdmissions.incrementAndGet();
                        }
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        start.countDown();
        for (Thread th : threads) {
            th.join();
        }
        Set<String> accepted = new HashSet<>();
        acceptedPerProducer.forEach(accepted::addAll);
        assertThat(badAdmissions).hasValue(0);
        assertThat(accepted.size() + rejected.get()).isEqualTo(producers * perProducer);

        await().atMost(Duration.ofSeconds(60)).until(() -> p.stats().depth() == 0);
        sinkPool.shutdown();
        assertThat(sinkPool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        Set<String> dead = new HashSet<>();
        p.deadLetters(Integer.MAX_VALUE).forEach(d -> assertThat(dead.add(d.event().id())).isTrue());
        assertThat(duplicates).hasValue(0);
        assertThat(maxConcurrent.get()).isLessThanOrEqualTo(workers);
        assertThat(delivered).doesNotContainAnyElementsOf(dead);
        Set<String> all = new HashSet<>(delivered);
        all.addAll(dead);
        assertThat(all).isEqualTo(accepted);

        EventStats s = p.totals();
        assertThat(s.accepted()).isEqualTo(accepted.size());
        assertThat(s.rejected()).isEqualTo(rejected.get());
        assertThat(s.completed()).isEqualTo(delivered.size());
        assertThat(s.deadLettered()).isEqualTo(dead.size());
        assertThat(s.waiting() + s.active() + s.delayed()).isZero();
        assertThat(s.failed()).isGreaterThanOrEqualTo(3L * dead.size());
        assertThat(s.busyWorkers()).isZero();
        // the run was hard enough to exercise the circuit and the low-priority drop
        assertThat(s.transitions()).extracting(CircuitTransition::to).contains(CircuitState.OPEN);
        assertThat(s.rejectedByReason().get(RejectReason.CIRCUIT_OPEN)).isPositive();
    }
}
