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

import dev.levee.core.hotspot.HotSpotRejectedException.Reason;
import dev.levee.core.time.ManualTicker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Callers arriving while an asynchronous store (Redis) is deciding for the key: they wait for their own decision as
 * long as the window may still take them (plus the queue's capacity), so a burst on an empty window gets the whole
 * limit whatever the queue's capacity. The store here answers only when the test says so: the race "decision in
 * flight, arrivals, then the answer" is played step by step.
 */
@SuppressWarnings("deprecation") // also pins the deprecated retry-after accessors while they exist
class HotSpotDecisionInFlightTest {
    private static final Duration WINDOW = Duration.ofSeconds(60);

    private final ManualTicker time = new ManualTicker();
    private final HandDrivenStore store = new HandDrivenStore();
    private final List<HotSpotLimiter> limiters = new ArrayList<>();

    /** A store whose decisions complete one at a time, in order, when {@link #answerNext} is called. */
    static final class HandDrivenStore implements WindowStore {
        final WindowStore inner = WindowStore.inMemory(100);
        final ArrayDeque<Runnable> pending = new ArrayDeque<>();

        @Override
        public CompletionStage<WindowDecision> tryAcquire(String key, int limit, Duration window, long now) {
            CompletableFuture<WindowDecision> f = new CompletableFuture<>();
            pending.add(() -> f.complete(inner.tryAcquire(key, limit, window, now).toCompletableFuture().join()));
            return f;
        }

        @Override
        public void callEnded(String key, WindowDecision grant, long now) {
            inner.callEnded(key, grant, now);
        }

        @Override
        public void refund(String key, WindowDecision grant, long now) {
            inner.refund(key, grant, now);
        }

        void answerNext() {
            pending.remove().run();
        }

        /** Another instance sharing the window takes a slot (its call still in flight). */
        WindowDecision takenElsewhere(String key, int limit, long now) {
            WindowDecision d = inner.tryAcquire(key, limit, WINDOW, now).toCompletableFuture().join();
            assertThat(d.allowed()).isTrue();
            return d;
        }
    }

    @AfterEach
    void close() {
        limiters.forEach(HotSpotLimiter::close);
    }

    private HotSpotLimiter limiter(int limit, int queue, Duration maxWait) {
        HotSpotLimiter l = HotSpotLimiter.builder().limit(limit).window(WINDOW).queueCapacity(queue)
                .maxWait(maxWait).store(store).ticker(time).scheduler(time).build();
        limiters.add(l);
        return l;
    }

    private List<CompletableFuture<Permit>> arrive(HotSpotLimiter l, int n) {
        List<CompletableFuture<Permit>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(l.acquire("k"));
        }
        return calls;
    }

    private static HotSpotRejectedException rejection(CompletableFuture<Permit> f) {
        assertThat(f).isCompletedExceptionally();
        Throwable t = catchThrowable(f::join);
        assertThat(t).isInstanceOf(CompletionException.class).cause().isInstanceOf(HotSpotRejectedException.class);
        return (HotSpotRejectedException) t.getCause();
    }

    private static long granted(List<CompletableFuture<Permit>> calls) {
        return calls.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
    }

    @Test
    void withoutAQueueABurstOnAnEmptyWindowGetsTheLimitOneDecisionAtATime() {
        HotSpotLimiter l = limiter(5, 0, Duration.ZERO);
        List<CompletableFuture<Permit>> calls = arrive(l, 20);    // all arrive while the first decision runs

        assertThat(store.pending).as("one decision at a time per key").hasSize(1);
        assertThat(calls.subList(0, 5)).noneMatch(CompletableFuture::isDone);
        assertThat(calls.subList(5, 20)).allSatisfy(f -> assertThat(rejection(f).reason()).isEqualTo(Reason.QUEUE_FULL));
        for (int i = 0; i < 5; i++) {
            store.answerNext();                                     // granted: the next waiter asks at once
            assertThat(granted(calls)).isEqualTo(i + 1);
        }
        assertThat(store.pending).isEmpty();
        HotSpotSnapshot s = l.snapshot(1);
        assertThat(s.requests()).isEqualTo(20);
        assertThat(s.granted()).isEqualTo(5);
        assertThat(s.rejectedQueueFull()).isEqualTo(15);
        assertThat(s.rejected()).isEqualTo(15);
        assertThat(s.queued()).isZero();
        assertThat(s.inFlight()).isEqualTo(5);

        // the window is full now: the next caller is decided (a round trip) and told, and so is one arriving meanwhile
        List<CompletableFuture<Permit>> late = arrive(l, 2);
        store.answerNext();
        assertThat(late).allSatisfy(f -> {
            HotSpotRejectedException r = rejection(f);
            assertThat(r.reason()).isEqualTo(Reason.QUEUE_FULL);
            assertThat(r.retryAfterNanos()).isEqualTo(WINDOW.toNanos());   // every call is still in flight
        });
        assertThat(store.pending).isEmpty();
        assertThat(l.snapshot(1).queued()).isZero();
    }

    @Test
    void withAQueueTheBurstGetsTheLimitAndTheQueueWaitsTheRestIsToldAtOnce() {
        HotSpotLimiter l = limiter(5, 20, Duration.ofMinutes(5));
        List<CompletableFuture<Permit>> calls = arrive(l, 30);

        // the window may take 5 (the one being decided included) and the queue 20: the last 5 are told now
        assertThat(calls.subList(0, 25)).noneMatch(CompletableFuture::isDone);
        assertThat(calls.subList(25, 30)).allSatisfy(f -> assertThat(rejection(f).reason()).isEqualTo(Reason.QUEUE_FULL));
        for (int i = 0; i < 5; i++) {
            store.answerNext();
        }
        assertThat(granted(calls)).isEqualTo(5);
        assertThat(calls.subList(0, 5)).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        store.answerNext();                                         // full for 60 s: position p expected at 60 + 12p s
        assertThat(calls.subList(5, 25)).noneMatch(CompletableFuture::isDone);
        assertThat(store.pending).as("blocked: nobody asks until a slot frees").isEmpty();
        HotSpotSnapshot s = l.snapshot(1);
        assertThat(s.queued()).isEqualTo(20);
        assertThat(s.rejected()).isEqualTo(5);

        calls.subList(0, 5).forEach(f -> f.join().release());
        time.advance(WINDOW);                                       // the slots free: the head of the queue asks
        store.answerNext();
        assertThat(calls.get(5)).isCompleted();
        assertThat(calls.get(6)).isNotDone();                       // FIFO, one decision at a time
    }

    @Test
    void callersArrivingDuringALaterDecisionWaitOnlyForTheSlotsLeft() {
        HotSpotLimiter l = limiter(5, 0, Duration.ZERO);
        List<CompletableFuture<Permit>> calls = arrive(l, 2);
        store.answerNext();                                         // granted, 1 of 5: the second asks now
        assertThat(granted(calls)).isEqualTo(1);
        calls.addAll(arrive(l, 4));                                  // 4 slots left: the second and 3 more wait
        assertThat(calls.subList(2, 5)).noneMatch(CompletableFuture::isDone);
        assertThat(rejection(calls.get(5)).reason()).isEqualTo(Reason.QUEUE_FULL);
        while (!store.pending.isEmpty()) {
            store.answerNext();
        }
        assertThat(granted(calls)).isEqualTo(5);
        assertThat(l.snapshot(1).rejectedQueueFull()).isEqualTo(1);
    }

    @Test
    void slotsTakenByAnotherInstanceTurnTheWaitersAwayWithTheAnswer() {
        HotSpotLimiter l = limiter(5, 0, Duration.ZERO);
        List<CompletableFuture<Permit>> calls = arrive(l, 5);       // one decided, four waiting for their own
        for (int i = 0; i < 4; i++) {
            store.takenElsewhere("k", 5, time.read());
        }
        store.answerNext();                                         // granted, 5 of 5: no slot left for the four
        assertThat(calls.get(0)).isCompleted();
        assertThat(calls.subList(1, 5)).allSatisfy(f -> assertThat(rejection(f).reason()).isEqualTo(Reason.QUEUE_FULL));
        assertThat(store.pending).as("told without another decision each").isEmpty();
        HotSpotSnapshot s = l.snapshot(1);
        assertThat(s.granted()).isEqualTo(1);
        assertThat(s.rejectedQueueFull()).isEqualTo(4);
        assertThat(s.queued()).isZero();
    }

    @Test
    void aFullWindowKeepsOnlyTheQueuesCapacityOfTheCallersThatCameWhileItWasDecided() {
        for (int i = 0; i < 5; i++) {                               // another instance's calls, ended at 0 s
            store.inner.callEnded("k", store.takenElsewhere("k", 5, time.read()), time.read());
        }
        time.advance(Duration.ofSeconds(10));
        HotSpotLimiter l = limiter(5, 2, Duration.ofMinutes(5));
        List<CompletableFuture<Permit>> calls = arrive(l, 7);       // the window's state is unknown: 5 + 2 wait
        assertThat(calls).noneMatch(CompletableFuture::isDone);
        store.answerNext();                                         // full: the first slot frees in 50 s
        assertThat(calls.subList(0, 2)).noneMatch(CompletableFuture::isDone);
        assertThat(calls.subList(2, 7)).allSatisfy(f -> {
            HotSpotRejectedException r = rejection(f);
            assertThat(r.reason()).isEqualTo(Reason.QUEUE_FULL);
            assertThat(r.retryAfterNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(50));
        });
        assertThat(l.snapshot(1).queued()).isEqualTo(2);
        assertThat(rejection(l.acquire("k")).reason()).isEqualTo(Reason.QUEUE_FULL);
    }

    @Test
    void aCancelledWaiterGivesItsPlaceBack() {
        HotSpotLimiter l = limiter(2, 0, Duration.ZERO);
        List<CompletableFuture<Permit>> calls = arrive(l, 3);       // one decided, one waiting, one told
        assertThat(rejection(calls.get(2)).reason()).isEqualTo(Reason.QUEUE_FULL);
        calls.get(1).cancel(false);
        assertThat(l.snapshot(1).queued()).isZero();
        CompletableFuture<Permit> next = l.acquire("k");
        assertThat(next).isNotDone();
        store.answerNext();
        store.answerNext();
        assertThat(calls.get(0)).isCompleted();
        assertThat(next).isCompleted();
        assertThat(store.pending).isEmpty();
        HotSpotSnapshot s = l.snapshot(1);
        assertThat(s.granted()).isEqualTo(2);
        assertThat(s.inFlight()).isEqualTo(2);
        assertThat(s.queued()).isZero();
    }

    @Test
    void aWaiterCancelledWhileItsDecisionRunsHasItsSlotRefunded() {
        HotSpotLimiter l = limiter(1, 0, Duration.ZERO);
        CompletableFuture<Permit> first = l.acquire("k");
        first.cancel(false);
        store.answerNext();                                         // granted to nobody: refunded
        assertThat(l.snapshot(1).inFlight()).isZero();
        CompletableFuture<Permit> second = l.acquire("k");
        store.answerNext();
        assertThat(second).isCompleted();
    }
}
