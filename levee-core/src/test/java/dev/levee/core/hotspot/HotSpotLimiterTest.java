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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

@SuppressWarnings("deprecation") // also pins the deprecated retry-after accessors while they exist
class HotSpotLimiterTest {
    private final ManualTicker time = new ManualTicker();
    private final List<HotSpotLimiter> limiters = new ArrayList<>();

    @AfterEach
    void close() {
        limiters.forEach(HotSpotLimiter::close);
    }

    private DefaultHotSpotLimiter limiter(int limit, Duration window, int queue, Duration maxWait) {
        return limiter(HotSpotSettings.of(limit, window, queue, maxWait), WindowStore.inMemory(10_000));
    }

    private DefaultHotSpotLimiter limiter(HotSpotSettings settings, WindowStore store) {
        DefaultHotSpotLimiter l = (DefaultHotSpotLimiter) Limiters.builder(settings).store(store)
                .ticker(time).scheduler(time).build();
        limiters.add(l);
        return l;
    }

    private static HotSpotRejectedException rejection(CompletableFuture<Permit> f) {
        assertThat(f).isCompletedExceptionally();
        Throwable t = catchThrowable(f::join);
        assertThat(t).isInstanceOf(CompletionException.class);
        assertThat(t.getCause()).isInstanceOf(HotSpotRejectedException.class);
        return (HotSpotRejectedException) t.getCause();
    }

    private Permit granted(CompletableFuture<Permit> f) {
        assertThat(f).isCompleted();
        return f.join();
    }

    @Test
    void windowIsExactAtItsBoundaries() {
        DefaultHotSpotLimiter l = limiter(3, Duration.ofSeconds(10), 0, Duration.ZERO);
        for (int i = 0; i < 3; i++) {
            granted(l.acquire("k")).release();
        }
        HotSpotRejectedException r = rejection(l.acquire("k"));
        assertThat(r.retryAfterNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(10));
        time.advance(Duration.ofSeconds(10).minusNanos(1));
        assertThat(rejection(l.acquire("k")).retryAfterNanos()).isEqualTo(1);
        time.advance(1, TimeUnit.NANOSECONDS);
        granted(l.acquire("k")).release();
        assertThat(l.acquire("k").isCompletedExceptionally()).isFalse();
    }

    @Test
    void tryWithResourcesReleasesAndARefundBeforeTheCloseWins() {
        DefaultHotSpotLimiter l = limiter(1, Duration.ofSeconds(10), 0, Duration.ZERO);
        try (Permit p = granted(l.acquire("k"))) {
            assertThat(p.refund()).isTrue(); // never sent: the slot frees at once, the close does nothing more
        }
        try (Permit p = granted(l.acquire("k"))) {
            assertThat(p.key()).isEqualTo("k");
        } // released: the slot stays counted for one window from now
        assertThat(rejection(l.acquire("k")).retryAfterNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(10));
    }

    @Test
    void aSlotFreesOneWindowAfterTheCallEndedNotAfterItStarted() {
        DefaultHotSpotLimiter l = limiter(1, Duration.ofSeconds(10), 0, Duration.ZERO);
        Permit p = granted(l.acquire("k"));
        time.advance(Duration.ofSeconds(3));            // the call takes 3 s
        assertThat(rejection(l.acquire("k")).retryAfterNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(10));
        p.release();
        time.advance(Duration.ofSeconds(10).minusNanos(1));
        assertThat(rejection(l.acquire("k")).retryAfterSeconds()).isEqualTo(1);
        time.advance(1, TimeUnit.NANOSECONDS);
        granted(l.acquire("k"));
    }

    @Test
    void burstGetsTheLimitAndTheRestTheRealRetryAfter() {
        DefaultHotSpotLimiter l = limiter(50, Duration.ofSeconds(60), 100, Duration.ofSeconds(30));
        int granted = 0;
        List<HotSpotRejectedException> rejected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            CompletableFuture<Permit> f = l.acquire("fixture-1");
            if (f.isCompletedExceptionally()) {
                rejected.add(rejection(f));
            } else {
                granted(f).release();
                granted++;
            }
        }
        assertThat(granted).isEqualTo(50);
        assertThat(rejected).hasSize(50).allSatisfy(r -> {
            assertThat(r.retryAfterSeconds()).isEqualTo(60);
            assertThat(r.reason()).isEqualTo(Reason.WAIT_TOO_LONG);
        });
        HotSpotSnapshot s = l.snapshot(10);
        assertThat(s.granted()).isEqualTo(50);
        assertThat(s.rejected()).isEqualTo(50);
        assertThat(s.top()).singleElement().satisfies(k -> {
            assertThat(k.callsInWindow()).isEqualTo(50);
            assertThat(k.usagePercent()).isEqualTo(100.0);
            assertThat(k.rejected()).isEqualTo(50);
            assertThat(k.alerting()).isTrue();
        });
    }

    @Test
    void queuedCallersAreServedInArrivalOrderWhenSlotsFree() {
        DefaultHotSpotLimiter l = limiter(50, Duration.ofSeconds(60), 100, Duration.ofSeconds(120));
        for (int i = 0; i < 50; i++) {
            granted(l.acquire("k")).release();
        }
        List<CompletableFuture<Permit>> waiting = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            CompletableFuture<Permit> f = l.acquire("k");
            int n = i;
            f.thenAccept(p -> {
                order.add(n);
                p.release();
            });
            waiting.add(f);
        }
        // estimate for position p: 60 s + p x 1.2 s <= 120 s -> positions 0..50 queue, the rest are told to retry
        assertThat(waiting.subList(0, 51)).allMatch(f -> !f.isDone());
        assertThat(waiting.subList(51, 60)).allSatisfy(f -> {
            HotSpotRejectedException r = rejection(f);
            assertThat(r.reason()).isEqualTo(Reason.WAIT_TOO_LONG);
            assertThat(r.retryAfterSeconds()).isEqualTo(60);
        });
        assertThat(l.snapshot(1).queued()).isEqualTo(51);
        time.advance(Duration.ofSeconds(60));
        assertThat(order).hasSize(50).isSorted();
        assertThat(order).startsWith(0, 1, 2).endsWith(49);
        time.advance(Duration.ofSeconds(60));
        assertThat(order).hasSize(51).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 51).boxed().toList());
        assertThat(l.snapshot(1).queued()).isZero();
    }

    @Test
    void fullQueueRejectsWithTheTimeUntilASlotFrees() {
        DefaultHotSpotLimiter l = limiter(2, Duration.ofSeconds(10), 3, Duration.ofMinutes(10));
        granted(l.acquire("k")).release();
        time.advance(Duration.ofMillis(2500));
        granted(l.acquire("k")).release();
        time.advance(Duration.ofMillis(1000));  // t = 3.5 s; the first slot frees at 10 s
        for (int i = 0; i < 3; i++) {
            assertThat(l.acquire("k")).isNotDone();
        }
        HotSpotRejectedException r = rejection(l.acquire("k"));
        assertThat(r.reason()).isEqualTo(Reason.QUEUE_FULL);
        assertThat(r.retryAfterNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(6500));
        assertThat(r.retryAfterSeconds()).isEqualTo(7);
        assertThat(l.snapshot(1).rejectedQueueFull()).isEqualTo(1);
    }

    @Test
    void sustainedTrafficBelowTheLimitIsNeverQueuedAndAboveItRunsAtExactlyTheLimit() {
        DefaultHotSpotLimiter l = limiter(50, Duration.ofSeconds(60), 100, Duration.ofSeconds(30));
        for (int i = 0; i < 500; i++) {                 // one call per 1.2 s = exactly 50 per minute
            CompletableFuture<Permit> f = l.acquire("below");
            granted(f).release();
            time.advance(Duration.ofMillis(1200));
        }
        assertThat(l.snapshot(1).rejected()).isZero();

        List<Long> grantTimes = new ArrayList<>();
        int rejected = 0;
        for (int i = 0; i < 1000; i++) {                // twice the limit, for 5 minutes
            CompletableFuture<Permit> f = l.acquire("above");
            f.thenAccept(p -> {
                grantTimes.add(time.read());
                p.release();
            });
            if (f.isCompletedExceptionally()) {
                rejected++;
            }
            time.advance(Duration.ofMillis(300));
        }
        time.advance(Duration.ofMinutes(2));
        assertWindowNeverExceeded(grantTimes, 50, Duration.ofSeconds(60));
        // exactly the limit for the 5 minutes of arrivals plus the last queued call's 30 s max wait: 5.5 x 50
        assertThat(grantTimes.size()).isEqualTo(275);
        assertThat(rejected).isPositive();
    }

    static void assertWindowNeverExceeded(List<Long> grantTimes, int limit, Duration window) {
        List<Long> sorted = new ArrayList<>(grantTimes);
        sorted.sort(null);
        for (int i = 0; i + limit < sorted.size(); i++) {
            assertThat(sorted.get(i + limit) - sorted.get(i))
                    .as("call %d and call %d are less than a window apart", i, i + limit)
                    .isGreaterThanOrEqualTo(window.toNanos());
        }
    }

    @Test
    void aWaiterWhoseSlotComesAfterItsDeadlineIsToldAtOnceAndOneStillWaitingTimesOut() {
        DefaultHotSpotLimiter l = limiter(1, Duration.ofSeconds(10), 5, Duration.ofSeconds(5));
        Permit held = granted(l.acquire("k"));     // in flight: no slot can free before 10 s after its end
        CompletableFuture<Permit> w = l.acquire("k");
        assertThat(w).isDone();                          // store says "full for 10 s" > max wait 5 s
        assertThat(rejection(w).reason()).isEqualTo(Reason.WAIT_TOO_LONG);
        assertThat(rejection(w).retryAfterSeconds()).isEqualTo(10);
        held.release();
        assertThat(held.release()).isFalse();
        assertThat(held.refund()).isFalse();
    }

    @Test
    void cancelledWaitersLeaveTheQueueAndARefundWakesTheNext() {
        DefaultHotSpotLimiter l = limiter(1, Duration.ofSeconds(10), 5, Duration.ofSeconds(60));
        Permit first = granted(l.acquire("k"));
        CompletableFuture<Permit> a = l.acquire("k");
        CompletableFuture<Permit> b = l.acquire("k");
        assertThat(l.snapshot(1).queued()).isEqualTo(2);
        a.cancel(false);
        assertThat(l.snapshot(1).queued()).isEqualTo(1);
        assertThat(first.refund()).isTrue();            // never sent: the slot frees now
        assertThat(b).isCompleted();
        assertThat(b.join().release()).isTrue();
        assertThat(first.release()).isFalse();
        assertThat(l.snapshot(1).inFlight()).isZero();
    }

    @Test
    void alertsOncePerCrossing() {
        DefaultHotSpotLimiter l = limiter(10, Duration.ofSeconds(10), 0, Duration.ZERO);
        for (int i = 0; i < 7; i++) {
            granted(l.acquire("k")).release();
        }
        assertThat(l.snapshot(1).alerts()).isZero();
        granted(l.acquire("k")).release();           // 8 of 10 = 80 %
        assertThat(l.snapshot(1).alerts()).isEqualTo(1);
        granted(l.acquire("k")).release();
        granted(l.acquire("k")).release();
        l.acquire("k");
        HotSpotSnapshot s = l.snapshot(1);
        assertThat(s.alerts()).isEqualTo(1);
        assertThat(s.alerting()).isEqualTo(1);
        assertThat(s.top().get(0).alerting()).isTrue();
        time.advance(Duration.ofSeconds(10));           // the window empties: re-armed
        assertThat(l.snapshot(1).alerting()).isZero();
        for (int i = 0; i < 8; i++) {
            granted(l.acquire("k")).release();
        }
        assertThat(l.snapshot(1).alerts()).isEqualTo(2);
    }

    @Test
    void aKeyWithCallsInItsWindowIsNeverEvictedAndIdleKeysExpire() {
        HotSpotSettings s = HotSpotSettings.of(2, Duration.ofSeconds(10), 0, Duration.ZERO).withMaxKeys(2);
        WindowStore store = WindowStore.inMemory(2);
        DefaultHotSpotLimiter l = limiter(s, store);
        granted(l.acquire("a")).release();
        granted(l.acquire("a")).release();
        granted(l.acquire("b")).release();
        // a third key while a and b are active: no key state (no queue), counted in the store's overflow sketch,
        // which limits each key by its own calls: c, d and e are all served, and c is refused at its own limit
        granted(l.acquire("c")).release();
        granted(l.acquire("d")).release();
        granted(l.acquire("e")).release();
        granted(l.acquire("c")).release();
        HotSpotRejectedException r = rejection(l.acquire("c"));
        assertThat(r.reason()).isEqualTo(Reason.KEYS_EXHAUSTED);
        assertThat(l.trackedKeys()).isEqualTo(2);
        assertThat(store.size()).isEqualTo(2);
        // sweeping under pressure must not lose a's log: a is still full
        l.sweep(time.read(), false);
        store.expireIdle(time.read());
        assertThat(rejection(l.acquire("a")).retryAfterSeconds()).isEqualTo(10);
        time.advance(Duration.ofSeconds(20));          // idle (nothing in the window, not asked for two windows)
        assertThat(l.trackedKeys()).isZero();
        assertThat(store.size()).isZero();
        granted(l.acquire("e"));
        assertThat(l.trackedKeys()).isEqualTo(1);
    }

    @Test
    void aFloodOfJunkKeysDoesNotLockOutALegitimateColdKey() {
        // the report: 10,060 junk ids in 3 s filled max-keys (10,000) and then every real cold key got 429
        HotSpotSettings s = HotSpotSettings.of(50, Duration.ofSeconds(60), 0, Duration.ZERO).withMaxKeys(10_000);
        MemoryWindowStore store = new MemoryWindowStore(10_000);
        DefaultHotSpotLimiter l = limiter(s, store);
        for (int i = 0; i < 30_000; i++) {                     // three times the table, each called once
            granted(l.acquire("junk-" + i)).release();
            if (i % 10_000 == 0) {
                time.advance(Duration.ofMillis(100));
            }
        }
        assertThat(l.trackedKeys()).isEqualTo(10_000);
        assertThat(store.size()).isEqualTo(10_000);
        assertThat(store.overflowDecisions()).isEqualTo(20_000); // nothing was idle: no junk log was evicted
        for (int k = 0; k < 10; k++) {
            granted(l.acquire("fixture-" + k)).release();   // limited locally, not refused
        }
        // a key in the overflow is still held to its own limit: never more (the sketch only overestimates), and
        // fewer only by the junk sharing its counters in every row (a few calls at most at this load)
        int grants = 1;
        CompletableFuture<Permit> next;
        while ((next = l.acquire("fixture-0")).isDone() && !next.isCompletedExceptionally()) {
            next.join().release();
            grants++;
            assertThat(grants).isLessThanOrEqualTo(50);
        }
        assertThat(grants).isBetween(45, 50);
        HotSpotRejectedException r = rejection(next);
        assertThat(r.reason()).isEqualTo(Reason.KEYS_EXHAUSTED);
        assertThat(r.retryAfterNanos()).isPositive();
        // once the junk is idle (two windows without a call) its logs free up and real keys get logs of their own
        // (the move keeps a key's overflow calls: overflowKeysCannotExceedTheirLimitWhenTheyLaterGetTheirOwnLog)
        time.advance(Duration.ofSeconds(120));
        granted(l.acquire("fixture-0")).release();
        assertThat(store.debug("fixture-0")).doesNotContain("no log");
    }

    @Test
    void overflowKeysCannotExceedTheirLimitWhenTheyLaterGetTheirOwnLog() {
        MemoryWindowStore store = new MemoryWindowStore(1);
        long w = TimeUnit.SECONDS.toNanos(10);
        long s = TimeUnit.SECONDS.toNanos(1);
        WindowDecision a = store.decide("a", 2, w, 0);
        assertThat(a.allowed()).isTrue();
        WindowDecision x = store.decide("x", 2, w, 0);          // no log left: x shares the overflow log
        assertThat(x.allowed()).isTrue();
        assertThat(store.overflowDecisions()).isEqualTo(1);
        store.callEnded("a", a, 0);
        store.expireIdle(20 * s);                                // a is idle (not asked for two windows) and goes
        // x still has a call in flight in the overflow log: it stays there until that call ends
        assertThat(store.decide("x", 2, w, 20 * s).allowed()).isTrue();
        assertThat(store.overflowDecisions()).isEqualTo(2);
        store.callEnded("x", x, 21 * s);
        store.callEnded("x", x, 21 * s);
        // now x moves to a log of its own, which starts with both of its calls, stamped with the latest end the
        // overflow holds (21 s): full until 31 s
        WindowDecision denied = store.decide("x", 2, w, 22 * s);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.retryAfterNanos()).isEqualTo(9 * s);
        assertThat(store.overflowDecisions()).isEqualTo(2);
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.decide("x", 2, w, 31 * s).allowed()).isTrue();
    }

    @Test
    void underSustainedKeyChurnKeysLeaveTheOverflowLogWhenLogsFree() {
        HotSpotSettings s = HotSpotSettings.of(5, Duration.ofMillis(100), 0, Duration.ZERO).withMaxKeys(10_000);
        MemoryWindowStore store = new MemoryWindowStore(10);
        DefaultHotSpotLimiter l = limiter(s, store);
        // 20 keys, each called every 10 ms, but only 10 logs: 10 keys share the overflow log at first
        for (int round = 0; round < 20; round++) {
            for (int k = 0; k < 20; k++) {
                l.acquire("k" + k).thenAccept(Permit::release);
            }
            time.advance(Duration.ofMillis(10));
        }
        // traffic moves to 10 keys only: the busy keys that were in the overflow log get logs as others go idle
        long before = store.overflowDecisions();
        for (int round = 0; round < 100; round++) {
            for (int k = 10; k < 20; k++) {
                l.acquire("k" + k).thenAccept(Permit::release);
            }
            time.advance(Duration.ofMillis(10));
        }
        assertThat(store.overflowDecisions() - before).isLessThan(200);
        l.acquire("k15").thenAccept(Permit::release);
        long after = store.overflowDecisions();
        for (int i = 0; i < 10; i++) {
            l.acquire("k" + (10 + i)).thenAccept(Permit::release);
        }
        assertThat(store.overflowDecisions()).isEqualTo(after);
    }

    @Test
    void retryAfterFollowsTheOldestCallInTheWindow() {
        DefaultHotSpotLimiter l = limiter(3, Duration.ofSeconds(60), 0, Duration.ZERO);
        granted(l.acquire("k")).release();                 // t=0
        time.advance(Duration.ofMillis(10_400));
        granted(l.acquire("k")).release();                 // t=10.4
        time.advance(Duration.ofMillis(20_000));
        granted(l.acquire("k")).release();                 // t=30.4
        assertThat(rejection(l.acquire("k")).retryAfterNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(29_600));
        time.advance(Duration.ofMillis(29_600));              // t=60: the first call left
        granted(l.acquire("k")).release();
        HotSpotRejectedException r = rejection(l.acquire("k"));
        assertThat(r.retryAfterNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(10_400));
        assertThat(r.retryAfterSeconds()).isEqualTo(11);
    }

    @Test
    void memoryStaysBoundedWithAMillionDistinctKeys() {
        HotSpotSettings s = HotSpotSettings.of(50, Duration.ofSeconds(1), 100, Duration.ofSeconds(30));
        WindowStore store = WindowStore.inMemory(s.maxKeys());
        DefaultHotSpotLimiter l = limiter(s, store);
        int maxTracked = 0;
        for (int i = 0; i < 1_000_000; i++) {
            l.acquire("key-" + i).thenAccept(Permit::release);
            if ((i & 127) == 127) {
                time.advance(Duration.ofMillis(1));           // ~128,000 keys per second of ticker time
                maxTracked = Math.max(maxTracked, l.trackedKeys());
            }
        }
        assertThat(maxTracked).isLessThanOrEqualTo(s.maxKeys());
        assertThat(l.trackedKeys()).isLessThanOrEqualTo(s.maxKeys());
        assertThat(store.size()).isLessThanOrEqualTo(s.maxKeys());
        assertThat(l.sketchSize()).isLessThanOrEqualTo(2 * s.topKeys());
        assertThat(l.snapshot(10).top()).hasSize(10);
        assertThat(l.snapshot(10).requests()).isEqualTo(1_000_000);
        time.advance(Duration.ofSeconds(5));
        assertThat(l.trackedKeys()).isZero();
        assertThat(store.size()).isZero();
    }

    @Test
    void topTenByCallsPerMinute() {
        DefaultHotSpotLimiter l = limiter(HotSpotSettings.of(1000, Duration.ofSeconds(60), 0, Duration.ZERO),
                WindowStore.inMemory(100_000));
        java.util.Random random = new java.util.Random(42);
        // hot keys h0..h14 with 300, 290, ... calls; 20,000 noise keys with one call each, interleaved
        List<String> calls = new ArrayList<>();
        for (int k = 0; k < 15; k++) {
            for (int c = 0; c < 300 - 10 * k; c++) {
                calls.add("h" + k);
            }
        }
        for (int n = 0; n < 20_000; n++) {
            calls.add("noise-" + n);
        }
        java.util.Collections.shuffle(calls, random);
        for (String key : calls) {
            l.acquire(key).thenAccept(Permit::release);
        }
        List<KeyUsage> top = l.snapshot(10).top();
        assertThat(top).extracting(KeyUsage::key)
                .containsExactly("h0", "h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "h9");
        assertThat(top.get(0).callsPerMinute()).isBetween(300.0, 300.0 + top.get(0).callsPerMinuteError());
        assertThat(l.sketchSize()).isLessThanOrEqualTo(2 * HotSpotSettings.DEFAULT_TOP_KEYS);
    }

    /** A store whose answers the test releases one at a time (as a remote store answers later). */
    static final class ManualStore implements WindowStore {
        final WindowStore inner = WindowStore.inMemory(100);
        final java.util.ArrayDeque<Runnable> pending = new java.util.ArrayDeque<>();

        @Override
        public java.util.concurrent.CompletionStage<WindowDecision> tryAcquire(String key, int limit,
                                                                               Duration window, long now) {
            CompletableFuture<WindowDecision> f = new CompletableFuture<>();
            pending.add(() -> f.complete(inner.tryAcquire(key, limit, window, now).toCompletableFuture().join()));
            return f;
        }

        @Override
        public void callEnded(String key, WindowDecision grant, long now) {
            inner.callEnded(key, grant, now);
        }

        void answerOne() {
            pending.poll().run();
        }
    }

    @Test
    void withAStoreThatAnswersLaterCallersQueueBehindTheDecisionAndAreJudgedByItsAnswer() {
        ManualStore store = new ManualStore();
        DefaultHotSpotLimiter l = limiter(HotSpotSettings.of(1, Duration.ofSeconds(10), 10, Duration.ofSeconds(13)),
                store);
        List<CompletableFuture<Permit>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(l.acquire("k"));
        }
        assertThat(calls).noneMatch(CompletableFuture::isDone);
        assertThat(store.pending).hasSize(1);              // one decision at a time per key
        store.answerOne();                                  // granted: the next waiter asks at once
        granted(calls.get(0)).release();
        assertThat(store.pending).hasSize(1);
        store.answerOne();                                  // full for 10 s: position 0 at 10 s, 1 at 20 s > 13 s
        assertThat(calls.get(1)).isNotDone();
        assertThat(rejection(calls.get(2)).retryAfterSeconds()).isEqualTo(10);
        assertThat(rejection(calls.get(3)).reason()).isEqualTo(Reason.WAIT_TOO_LONG);
        assertThat(store.pending).isEmpty();                // blocked: nobody asks the store until 10 s
        time.advance(Duration.ofSeconds(10));
        store.answerOne();
        granted(calls.get(1)).release();
    }

    @Test
    void queuedCountsOnlyCallersThatWaitNotOneBeingDecidedAtOnce() {
        ManualStore store = new ManualStore();
        DefaultHotSpotLimiter l = limiter(HotSpotSettings.of(1, Duration.ofSeconds(10), 10, Duration.ofSeconds(30)),
                store);
        CompletableFuture<Permit> first = l.acquire("k");
        assertThat(l.snapshot(1).queued()).as("nobody ahead: being decided, not queued").isZero();
        CompletableFuture<Permit> second = l.acquire("k");
        assertThat(l.snapshot(1).queued()).as("behind a running decision").isEqualTo(1);
        store.answerOne();                                  // first granted; second asks at once
        Permit p = granted(first);
        assertThat(l.snapshot(1).queued()).isEqualTo(1);    // second is the head, its decision running
        store.answerOne();                                  // full for 10 s: second waits
        assertThat(second).isNotDone();
        assertThat(l.snapshot(1).queued()).isEqualTo(1);
        p.release();
        time.advance(Duration.ofSeconds(10));               // the wake-up asks again
        store.answerOne();
        granted(second).release();
        assertThat(l.snapshot(1).queued()).isZero();

        // a first caller that finds the window full waits at the head and counts as queued from then on
        time.advance(Duration.ofSeconds(1));
        CompletableFuture<Permit> third = l.acquire("k");
        assertThat(l.snapshot(1).queued()).isZero();
        store.answerOne();                                  // full (second's call is still in its window)
        assertThat(third).isNotDone();
        assertThat(l.snapshot(1).queued()).isEqualTo(1);
        CompletableFuture<Permit> fourth = l.acquire("k");
        assertThat(l.snapshot(1).queued()).isEqualTo(2);
        time.advance(Duration.ofSeconds(9));
        store.answerOne();
        granted(third).release();                           // FIFO: the first caller before the later one
        assertThat(fourth).isNotDone();
        assertThat(l.snapshot(1).queued()).isEqualTo(1);
    }

    @Test
    void settingsRejectBadValuesNamingThem() {
        assertThat(catchThrowable(() -> HotSpotSettings.of(0, Duration.ofSeconds(1), 1, Duration.ZERO)))
                .hasMessage("limit: 0 (expected: > 0)");
        assertThat(catchThrowable(() -> HotSpotSettings.of(1, Duration.ofSeconds(1), -1, Duration.ZERO)))
                .hasMessage("queueCapacity: -1 (expected: >= 0)");
        assertThat(catchThrowable(() -> HotSpotSettings.of(1, Duration.ofSeconds(1), 1, Duration.ZERO)
                .withAlertThreshold(1.5))).hasMessage("alertThreshold: 1.5 (expected: > 0 and <= 1)");
    }
}
