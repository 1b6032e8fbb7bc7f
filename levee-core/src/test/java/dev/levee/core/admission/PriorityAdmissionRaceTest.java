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
package dev.levee.core.admission;

import dev.levee.core.time.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many threads acquire, cancel, time out and release (some twice) against a small limit, while another thread
 * moves time so max-wait timeouts race with grants, and a sampler reads stats throughout. Checks: holders never
 * exceed the limit, the snapshot never shows more in flight than the limit or more queued than the capacity,
 * every future completes, and at the end nothing is in flight or queued, every admitted permit was seen by
 * exactly one caller (no permit leaked to a cancelled waiter, none doubled), the counters add up to what callers
 * saw, and no timeout timer is left behind.
 */
class PriorityAdmissionRaceTest {
    private static final int THREADS = 8;
    private static final int ITERATIONS = 50_000;
    private static final int LIMIT = 3;
    private static final String[] CLASSES = {"agent", "active_bettor", "browser"};

    @Test
    void limitHoldsAndNoPermitLeaksUnderRaces() throws Exception {
        ManualTicker ticker = new ManualTicker();
        PriorityAdmission.Builder builder = PriorityAdmission.builder();
        for (String c : CLASSES) {
            builder.addClass(c);
        }
        PriorityAdmission a = builder.maxConcurrent(LIMIT).queueCapacity(4)
                .maxWait(Duration.ofMillis(3)).ticker(ticker).scheduler(ticker).build();
        // the whole limit is held here while the workers start: their first calls queue and time out or find the
        // queue full, whatever the machine's scheduling, so the shed paths race with grants and cancels every run
        List<Permit> held = new ArrayList<>();
        for (int i = 0; i < LIMIT; i++) {
            held.add(a.acquire(CLASSES[i % CLASSES.length]).join());
        }
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        AtomicLong violations = new AtomicLong();
        LongAdder received = new LongAdder();
        LongAdder shed = new LongAdder();
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);

        Thread clock = new Thread(() -> {
            while (!done.get()) {
                ticker.advance(Duration.ofMillis(1));
                Thread.onSpinWait();
            }
        });
        Thread sampler = new Thread(() -> {
            while (!done.get()) {
                AdmissionStats s = a.stats();
                int perClass = s.classes().stream().mapToInt(ClassStats::inFlight).sum();
                int depth = s.classes().stream().mapToInt(ClassStats::queueDepth).sum();
                if (s.inFlight() > LIMIT || s.inFlight() < 0 || perClass != s.inFlight()
                        || s.queued() > s.queueCapacity() || depth != s.queued()
                        || s.inFlight() < LIMIT && s.queued() > 0) {
                    violations.incrementAndGet();
                }
            }
        });
        Thread[] workers = new Thread[THREADS];
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < THREADS; t++) {
            workers[t] = new Thread(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                try {
                    start.await();
                    for (int i = 0; i < ITERATIONS; i++) {
                        CompletableFuture<Permit> f = a.acquire(CLASSES[rnd.nextInt(CLASSES.length)]);
                        int action = rnd.nextInt(4);
                        if (action == 0) {
                            f.cancel(false); // gives up, possibly while being granted
                        }
                        Permit p;
                        try {
                            p = f.get(30, TimeUnit.SECONDS);
                        } catch (java.util.concurrent.CancellationException e) {
                            continue;
                        } catch (java.util.concurrent.ExecutionException e) {
                            assertThat(e.getCause()).isInstanceOf(AdmissionRejectedException.class);
                            shed.increment();
                            continue;
                        }
                        received.increment();
                        int h = holders.incrementAndGet();
                        maxHolders.accumulateAndGet(h, Math::max);
                        if (rnd.nextBoolean()) {
                            Thread.onSpinWait();
                        }
                        holders.decrementAndGet();
                        assertThat(p.release()).isTrue();
                        if (action == 1) {
                            assertThat(p.release()).isFalse(); // a second exit path releasing again
                        }
                    }
                } catch (Throwable e) {
                    failure[0] = e;
                }
            });
            workers[t].start();
        }
        clock.start();
        sampler.start();
        start.countDown();
        await().atMost(Duration.ofSeconds(60)).until(() -> shed.sum() >= 100);
        held.forEach(Permit::release);
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(50));
            assertThat(w.isAlive()).as("worker finished").isFalse();
        }
        done.set(true);
        clock.join();
        sampler.join();

        assertThat(failure[0]).isNull();
        assertThat(violations.get()).isZero();
        assertThat(maxHolders.get()).isLessThanOrEqualTo(LIMIT).isPositive();
        AdmissionStats s = a.stats();
        assertThat(s.inFlight()).isZero();
        assertThat(s.queued()).isZero();
        long admitted = s.classes().stream().mapToLong(ClassStats::admitted).sum();
        long shedCount = s.classes().stream().mapToLong(ClassStats::shed).sum();
        assertThat(admitted).isEqualTo(received.sum() + LIMIT);
        assertThat(shedCount).isEqualTo(shed.sum());
        long cancelled = s.classes().stream().mapToLong(ClassStats::cancelled).sum();
        assertThat(admitted + shedCount + cancelled).isEqualTo((long) THREADS * ITERATIONS + LIMIT);
        assertThat(shedCount).as("timeouts and push-outs were exercised").isPositive();
        assertThat(ticker.pendingTasks()).as("no max-wait timer outlives its waiter").isZero();
    }
}
