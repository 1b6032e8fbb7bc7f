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
package dev.levee.reactor;

import dev.levee.core.admission.AdmissionRejectedException;
import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.hotspot.HotSpotRejectedException;
import dev.levee.core.time.ManualTicker;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The operators with StepVerifier: what runs, what is refused, and that every permit is ended exactly once. */
class LeveeOperatorsTest {
    private final ManualTicker ticker = new ManualTicker();

    private PriorityAdmission admission(int maxConcurrent) {
        return PriorityAdmission.builder()
                .addClass("agent", 2).addClass("browser", 2)
                .maxConcurrent(maxConcurrent).maxWait(Duration.ofSeconds(5))
                .fixedRetryAfter(Duration.ofSeconds(3))
                .ticker(ticker).scheduler(ticker)
                .build();
    }

    @Test
    void admitRunsTheSourceUnderAPermitAndReleasesItOnCompletionAndOnError() {
        PriorityAdmission admission = admission(1);
        StepVerifier.create(Mono.fromCallable(() -> admission.stats().inFlight())
                        .transformDeferred(LeveeOperators.admit(admission, "agent")))
                .expectNext(1) // the source ran holding the permit
                .verifyComplete();
        assertThat(admission.stats().inFlight()).isZero();

        StepVerifier.create(Mono.<String>error(new IllegalStateException("upstream down"))
                        .transformDeferred(LeveeOperators.admit(admission, "agent")))
                .verifyErrorMessage("upstream down");
        assertThat(admission.stats().inFlight()).isZero();
        assertThat(admission.stats().forClass("agent").admitted()).isEqualTo(2);
    }

    @Test
    void aShedSubscriptionFailsWithTheAdmissionsRefusalAndTheSourceNeverRuns() {
        PriorityAdmission admission = admission(1);
        AtomicInteger subscribed = new AtomicInteger();
        Mono<String> source = Mono.fromCallable(() -> "odds").doOnSubscribe(s -> subscribed.incrementAndGet());
        Disposable holder = Mono.never().transformDeferred(LeveeOperators.admit(admission, "browser")).subscribe();
        List<Disposable> queued = List.of(
                source.transformDeferred(LeveeOperators.admit(admission, "browser")).subscribe(),
                source.transformDeferred(LeveeOperators.admit(admission, "browser")).subscribe());

        StepVerifier.create(source.transformDeferred(LeveeOperators.admit(admission, "browser")))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(AdmissionRejectedException.class);
                    assertThat(((AdmissionRejectedException) e).reason().code()).isEqualTo("queue_full");
                    assertThat(((AdmissionRejectedException) e).retryAfter()).isEqualTo(Duration.ofSeconds(3));
                })
                .verify(Duration.ofSeconds(10));
        assertThat(subscribed).hasValue(0);

        holder.dispose(); // cancelling the running one releases its permit: the first queued one runs
        assertThat(subscribed).hasValue(2);
        queued.forEach(Disposable::dispose);
        assertThat(admission.stats().inFlight()).isZero();
        assertThat(admission.stats().queued()).isZero();
    }

    @Test
    void cancellingWhileQueuedGivesUpThePlaceAndNeverRunsTheSource() {
        PriorityAdmission admission = admission(1);
        Disposable holder = Mono.never().transformDeferred(LeveeOperators.admit(admission, "browser")).subscribe();
        AtomicBoolean ran = new AtomicBoolean();
        StepVerifier.create(Mono.fromRunnable(() -> ran.set(true))
                        .transformDeferred(LeveeOperators.admit(admission, "agent")))
                .expectSubscription()
                .then(() -> assertThat(admission.stats().queued()).isEqualTo(1))
                .thenCancel()
                .verify(Duration.ofSeconds(10));
        assertThat(admission.stats().queued()).isZero();
        assertThat(admission.stats().forClass("agent").cancelled()).isEqualTo(1);
        holder.dispose();
        assertThat(ran).isFalse();
        assertThat(admission.stats().inFlight()).isZero();
    }

    @Test
    void aCancelRacingTheGrantNeverLeaksAPermitNorReleasesOneTwice() throws Exception {
        PriorityAdmission admission = PriorityAdmission.builder().addClass("agent", 10_000).maxConcurrent(1)
                .maxWait(Duration.ofSeconds(60)).ticker(ticker).scheduler(ticker).build();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        Mono<String> source = Mono.fromCallable(() -> {
            if (running.incrementAndGet() > 1) {
                overlaps.incrementAndGet(); // two sources at once: a permit released early or twice
            }
            running.decrementAndGet();
            return "ok";
        });
        try {
            for (int i = 0; i < 5_000; i++) {
                Disposable holder = Mono.never().transformDeferred(LeveeOperators.admit(admission, "agent")).subscribe();
                Disposable waiter = source.transformDeferred(LeveeOperators.admit(admission, "agent")).subscribe();
                CountDownLatch start = new CountDownLatch(1);
                var freeing = pool.submit(() -> {
                    start.await();
                    holder.dispose(); // grants the waiter its permit...
                    return null;
                });
                var cancelling = pool.submit(() -> {
                    start.await();
                    waiter.dispose(); // ...while it cancels
                    return null;
                });
                start.countDown();
                freeing.get(10, TimeUnit.SECONDS);
                cancelling.get(10, TimeUnit.SECONDS);
                assertThat(admission.stats().inFlight()).as("round %d", i).isZero();
                assertThat(admission.stats().queued()).as("round %d", i).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(overlaps).hasValue(0);
    }

    @Test
    void hotSpotReleasesASlotThatRanAndRefundsOneCancelledBeforeItRan() {
        try (HotSpotLimiter limiter = HotSpotLimiter.builder().limit(1).window(Duration.ofSeconds(60))
                .queueCapacity(1).maxWait(Duration.ofSeconds(5)).ticker(ticker).scheduler(ticker).build()) {
            Sinks.One<String> upstream = Sinks.one();
            Disposable first = upstream.asMono().transformDeferred(LeveeOperators.hotSpot(limiter, "fixture-42"))
                    .subscribe();
            // the second waits for the window's one slot; cancelled before it ran, it takes nothing from the window
            StepVerifier.create(Mono.just("odds").transformDeferred(LeveeOperators.hotSpot(limiter, "fixture-42")))
                    .expectSubscription()
                    .thenCancel()
                    .verify(Duration.ofSeconds(10));
            upstream.tryEmitValue("odds");
            first.dispose();
            // the first call was sent: its slot stays counted for the window, so a third is refused
            StepVerifier.create(Mono.just("odds").transformDeferred(LeveeOperators.hotSpot(limiter, "fixture-42")))
                    .expectSubscription()
                    .then(() -> ticker.advance(Duration.ofSeconds(5)))
                    .expectError(HotSpotRejectedException.class)
                    .verify(Duration.ofSeconds(10));
        }
    }

    @Test
    void coalescedSubscribersShareOneUpstreamCallAndACancelNeverCancelsIt() {
        RequestCoalescer<String, String> coalescer = RequestCoalescer.<String, String>builder()
                .maxWait(Duration.ofSeconds(5)).ticker(ticker).scheduler(ticker).build();
        AtomicInteger calls = new AtomicInteger();
        AtomicBoolean upstreamCancelled = new AtomicBoolean();
        Sinks.One<String> upstream = Sinks.one();
        Mono<String> fetch = upstream.asMono()
                .doOnSubscribe(s -> calls.incrementAndGet())
                .doOnCancel(() -> upstreamCancelled.set(true));

        Disposable leaver = fetch.transformDeferred(LeveeOperators.coalesce(coalescer, "fixture-42")).subscribe();
        StepVerifier.create(fetch.transformDeferred(LeveeOperators.coalesce(coalescer, "fixture-42")))
                .expectSubscription()
                .then(leaver::dispose) // the leader's subscriber leaves: the shared call goes on
                .then(() -> upstream.tryEmitValue("odds of 42"))
                .expectNext("odds of 42")
                .verifyComplete();
        assertThat(calls).hasValue(1);
        assertThat(upstreamCancelled).isFalse();
        assertThat(coalescer.inFlight("fixture-42")).isFalse();
    }

    @Test
    void operatorsCompose() {
        PriorityAdmission admission = admission(4);
        try (HotSpotLimiter limiter = HotSpotLimiter.builder().limit(10).window(Duration.ofSeconds(60))
                .queueCapacity(0).ticker(ticker).scheduler(ticker).build()) {
            List<String> results = new ArrayList<>();
            Mono.just("odds").subscribeOn(Schedulers.immediate())
                    .transformDeferred(LeveeOperators.hotSpot(limiter, "fixture-42"))
                    .transformDeferred(LeveeOperators.admit(admission, "agent"))
                    .subscribe(results::add);
            assertThat(results).containsExactly("odds");
            assertThat(admission.stats().inFlight()).isZero();
        }
    }
}
