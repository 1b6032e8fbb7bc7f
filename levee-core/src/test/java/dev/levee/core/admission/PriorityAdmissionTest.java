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

import dev.levee.core.time.HookedTicker;
import dev.levee.core.time.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@SuppressWarnings("deprecation") // also pins the deprecated retry-after accessors while they exist
class PriorityAdmissionTest {
    private final ManualTicker ticker = new ManualTicker();

    private PriorityAdmission admission(int maxConcurrent, int queueCapacity) {
        return PriorityAdmission.builder()
                .addClass("agent").addClass("active_bettor").addClass("browser")
                .maxConcurrent(maxConcurrent)
                .queueCapacity(queueCapacity)
                .maxWait(Duration.ofSeconds(30))
                .ticker(ticker)
                .scheduler(ticker)
                .build();
    }

    private static Permit permit(CompletableFuture<Permit> f) {
        assertThat(f).isCompleted();
        return f.join();
    }

    private static AdmissionRejectedException rejection(CompletableFuture<Permit> f) {
        assertThat(f).isCompletedExceptionally();
        Throwable t = f.handle((p, e) -> e).join();
        if (t instanceof CompletionException ce) {
            t = ce.getCause();
        }
        assertThat(t).isInstanceOf(AdmissionRejectedException.class);
        return (AdmissionRejectedException) t;
    }

    @Test
    void tryWithResourcesReleasesThePermit() {
        PriorityAdmission a = admission(1, 1);
        try (Permit p = permit(a.acquire("browser"))) {
            assertThat(a.stats().inFlight()).isEqualTo(1);
            assertThat(p.admissionClass()).isEqualTo("browser");
        }
        assertThat(a.stats().inFlight()).isZero();
        try (Permit p = permit(a.acquire("browser"))) {
            assertThat(p.release()).isTrue(); // released early: the close does nothing more
        }
        assertThat(a.stats().inFlight()).isZero();
    }

    @Test
    void classesAreTheOnesAddedHighestFirstWithTheDefaultLimits() {
        PriorityAdmission a = PriorityAdmission.builder().addClass("gold").addClass("silver", 7).addClass("bronze")
                .scheduler(ticker).ticker(ticker).build();
        assertThat(a.classes()).containsExactly("gold", "silver", "bronze");
        assertThat(a.maxConcurrent()).isEqualTo(500);
        assertThat(a.stats().queueCapacity()).isEqualTo(1000 + 7 + 1000);
    }

    @Test
    void builderWithoutClassesOrSchedulerIsAnError() {
        // no built-in classes: a library does not guess the caller's domain
        assertThatThrownBy(() -> PriorityAdmission.builder().build())
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("classes: none (expected: at least one addClass)");
        assertThatThrownBy(() -> PriorityAdmission.builder().scheduler(ticker).build())
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("classes: none (expected: at least one addClass)");
        assertThatThrownBy(() -> PriorityAdmission.builder().addClass("only").build())
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("scheduler: missing (expected: a Scheduler, e.g. Scheduler.system(\"levee\"))");
        PriorityAdmission one = PriorityAdmission.builder().addClass("only").scheduler(ticker).ticker(ticker).build();
        assertThat(one.classes()).containsExactly("only");
    }

    @Test
    void builderRejectsBadValuesNamingThem() {
        assertThatThrownBy(() -> PriorityAdmission.builder().maxConcurrent(0))
                .hasMessage("maxConcurrent: 0 (expected: > 0)");
        assertThatThrownBy(() -> PriorityAdmission.builder().queueCapacity(-3))
                .hasMessage("queueCapacity: -3 (expected: > 0)");
        assertThatThrownBy(() -> PriorityAdmission.builder().addClass("a").addClass("a"))
                .hasMessage("class name: a (expected: added once)");
        assertThatThrownBy(() -> PriorityAdmission.builder().maxWait(Duration.ZERO))
                .hasMessage("maxWait: PT0S (expected: > 0)");
        assertThatThrownBy(() -> admission(1, 1).acquire("vip"))
                .hasMessage("admissionClass: vip (expected one of [agent, active_bettor, browser])");
    }

    @Test
    void grantsAtOnceBelowTheLimitAndQueuesAtIt() {
        PriorityAdmission a = admission(2, 10);
        Permit p1 = permit(a.acquire("browser"));
        Permit p2 = permit(a.acquire("agent"));
        CompletableFuture<Permit> third = a.acquire("agent");
        assertThat(third).isNotDone();
        assertThat(a.stats().inFlight()).isEqualTo(2);
        assertThat(a.stats().forClass("agent").queueDepth()).isEqualTo(1);

        assertThat(p1.release()).isTrue();
        assertThat(permit(third).admissionClass()).isEqualTo("agent");
        assertThat(a.stats().inFlight()).isEqualTo(2);
        assertThat(a.stats().forClass("browser").inFlight()).isZero();
        assertThat(a.stats().forClass("agent").inFlight()).isEqualTo(2);
        p2.release();
        third.join().release();
        assertThat(a.stats().inFlight()).isZero();
    }

    @Test
    void freedPermitGoesToHighestNonEmptyClass() {
        PriorityAdmission a = admission(1, 10);
        Permit holder = permit(a.acquire("browser"));
        CompletableFuture<Permit> b1 = a.acquire("browser");
        CompletableFuture<Permit> t1 = a.acquire("active_bettor");
        CompletableFuture<Permit> b2 = a.acquire("browser");
        CompletableFuture<Permit> a1 = a.acquire("agent");

        List<String> order = new ArrayList<>();
        Permit next = holder;
        for (int i = 0; i < 4; i++) {
            next.release();
            for (CompletableFuture<Permit> f : List.of(a1, t1, b1, b2)) {
                if (f.isDone() && !order.contains(name(f, a1, t1, b1, b2))) {
                    order.add(name(f, a1, t1, b1, b2));
                    next = f.join();
                }
            }
        }
        assertThat(order).containsExactly("a1", "t1", "b1", "b2");
        next.release();
        assertThat(a.stats().inFlight()).isZero();
    }

    private static String name(CompletableFuture<Permit> f, CompletableFuture<Permit> a1,
                               CompletableFuture<Permit> t1, CompletableFuture<Permit> b1,
                               CompletableFuture<Permit> b2) {
        return f == a1 ? "a1" : f == t1 ? "t1" : f == b1 ? "b1" : "b2";
    }

    @Test
    void fifoWithinAClass() {
        PriorityAdmission a = admission(1, 100);
        Permit holder = permit(a.acquire("active_bettor"));
        List<CompletableFuture<Permit>> waiters = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            waiters.add(a.acquire("active_bettor"));
        }
        Permit current = holder;
        for (int i = 0; i < 50; i++) {
            current.release();
            assertThat(waiters.get(i)).isCompleted();
            if (i + 1 < 50) {
                assertThat(waiters.get(i + 1)).isNotDone();
            }
            current = waiters.get(i).join();
        }
        current.release();
    }

    @Test
    void fullQueueWithNothingLowerIsShedAsQueueFull() {
        PriorityAdmission a = admission(1, 2);
        permit(a.acquire("browser"));
        a.acquire("browser");
        a.acquire("browser");
        AdmissionRejectedException e = rejection(a.acquire("browser"));
        assertThat(e.reason()).isEqualTo(ShedReason.QUEUE_FULL);
        assertThat(e.admissionClass()).isEqualTo("browser");
        // nothing drained yet: the configured drain, 2 places per 30 s max wait, and the queue is full
        assertThat(e.retryAfterSeconds()).isEqualTo(30);
        ClassStats s = a.stats().forClass("browser");
        assertThat(s.queueDepth()).isEqualTo(2);
        assertThat(s.shedQueueFull()).isEqualTo(1);
        assertThat(s.shed()).isEqualTo(1);
    }

    @Test
    void higherClassPushesOutTheNewestWaiterOfTheLowestNonEmptyClass() {
        PriorityAdmission a = admission(1, 2);
        Permit holder = permit(a.acquire("agent"));
        CompletableFuture<Permit> b1 = a.acquire("browser");
        CompletableFuture<Permit> b2 = a.acquire("browser");
        CompletableFuture<Permit> t1 = a.acquire("active_bettor");
        CompletableFuture<Permit> t2 = a.acquire("active_bettor");
        CompletableFuture<Permit> a1 = a.acquire("agent");
        CompletableFuture<Permit> a2 = a.acquire("agent");

        // agent queue full: the newest browser makes room, not a bettor
        CompletableFuture<Permit> a3 = a.acquire("agent");
        assertThat(a3).isNotDone();
        AdmissionRejectedException pushed = rejection(b2);
        assertThat(pushed.reason()).isEqualTo(ShedReason.PUSHED_OUT);
        assertThat(pushed.admissionClass()).isEqualTo("browser");
        assertThat(b1).isNotDone();

        // a bettor arriving at a full bettor queue also pushes out a browser
        CompletableFuture<Permit> t3 = a.acquire("active_bettor");
        assertThat(rejection(b1).reason()).isEqualTo(ShedReason.PUSHED_OUT);
        assertThat(t3).isNotDone();

        // no browsers left: the next agent pushes out the newest bettor
        CompletableFuture<Permit> a4 = a.acquire("agent");
        assertThat(rejection(t3).reason()).isEqualTo(ShedReason.PUSHED_OUT);
        assertThat(t1).isNotDone();
        assertThat(t2).isNotDone();

        AdmissionStats s = a.stats();
        assertThat(s.forClass("agent").queueDepth()).isEqualTo(4); // over its own capacity
        assertThat(s.queued()).isEqualTo(6).isLessThanOrEqualTo(s.queueCapacity());
        assertThat(s.forClass("browser").shedPushedOut()).isEqualTo(2);
        assertThat(s.forClass("active_bettor").shedPushedOut()).isEqualTo(1);

        // a browser now finds its own queue empty but all queues together full: nothing lower, so it is shed
        assertThat(rejection(a.acquire("browser")).reason()).isEqualTo(ShedReason.QUEUE_FULL);
        // and a bettor with a full bettor queue and no lower waiter is shed too
        assertThat(rejection(a.acquire("active_bettor")).reason()).isEqualTo(ShedReason.QUEUE_FULL);

        Permit p = holder;
        for (CompletableFuture<Permit> f : List.of(a1, a2, a3, a4, t1, t2)) {
            p.release();
            p = permit(f);
        }
        p.release();
        assertThat(a.stats().inFlight()).isZero();
        assertThat(a.stats().queued()).isZero();
    }

    @Test
    void agentsAreShedOnlyWhenEveryQueuedRequestIsAnAgent() {
        PriorityAdmission a = admission(1, 1);
        permit(a.acquire("agent"));
        a.acquire("browser");
        a.acquire("active_bettor");
        a.acquire("agent");
        a.acquire("agent"); // pushes out the browser
        a.acquire("agent"); // pushes out the bettor
        assertThat(a.stats().forClass("agent").queueDepth()).isEqualTo(3);
        assertThat(rejection(a.acquire("agent")).reason()).isEqualTo(ShedReason.QUEUE_FULL);
    }

    @Test
    void waiterQueuedLongerThanMaxWaitTimesOut() {
        PriorityAdmission a = admission(1, 10);
        Permit holder = permit(a.acquire("browser"));
        CompletableFuture<Permit> w = a.acquire("active_bettor", Duration.ofSeconds(5));
        CompletableFuture<Permit> later = a.acquire("active_bettor", Duration.ofSeconds(20));
        ticker.advance(Duration.ofMillis(4999));
        assertThat(w).isNotDone();
        ticker.advance(Duration.ofMillis(1));
        AdmissionRejectedException e = rejection(w);
        assertThat(e.reason()).isEqualTo(ShedReason.TIMEOUT);
        // nothing drained yet: the configured drain, 10 places per 30 s max wait, for the 1 place still queued
        assertThat(e.retryAfterSeconds()).isEqualTo(3);
        assertThat(a.stats().forClass("active_bettor").shedTimeout()).isEqualTo(1);
        assertThat(a.stats().forClass("active_bettor").queueDepth()).isEqualTo(1);

        holder.release(); // goes to the waiter still queued, not to the one that timed out
        Permit p = permit(later);
        ticker.advance(Duration.ofSeconds(60)); // its timeout was cancelled by the grant
        assertThat(p.release()).isTrue();
        assertThat(a.stats().inFlight()).isZero();
        assertThat(a.stats().forClass("active_bettor").shedTimeout()).isEqualTo(1);
        assertThat(ticker.pendingTasks()).isZero();
    }

    @Test
    void releaseIsIdempotentAndHappensOnAFailedStage() {
        PriorityAdmission a = admission(1, 10);
        CompletableFuture<String> handled = a.acquire("browser").thenApply(p -> {
            try {
                throw new IllegalStateException("handler failed");
            } finally {
                p.release();
            }
        });
        assertThat(handled).isCompletedExceptionally();
        assertThat(a.stats().inFlight()).isZero();

        Permit p = permit(a.acquire("browser"));
        CompletableFuture<Permit> waiter = a.acquire("browser");
        assertThat(p.release()).isTrue();
        assertThat(p.release()).isFalse(); // second release must not free the waiter's permit
        assertThat(p.release()).isFalse();
        assertThat(a.stats().inFlight()).isEqualTo(1);
        CompletableFuture<Permit> another = a.acquire("browser");
        assertThat(another).isNotDone();
        waiter.join().release();
        another.join().release();
        assertThat(a.stats().inFlight()).isZero();
    }

    @Test
    void cancelledWaiterLeavesTheQueueAndItsTurnGoesToTheNext() {
        PriorityAdmission a = admission(1, 10);
        Permit holder = permit(a.acquire("browser"));
        CompletableFuture<Permit> gone = a.acquire("agent");
        CompletableFuture<Permit> next = a.acquire("browser");
        assertThat(gone.cancel(false)).isTrue();
        assertThat(a.stats().forClass("agent").queueDepth()).isZero();
        assertThat(a.stats().forClass("agent").cancelled()).isEqualTo(1);
        assertThat(ticker.pendingTasks()).isEqualTo(1); // the cancelled one's timeout is gone
        holder.release();
        permit(next).release();
        assertThat(a.stats().inFlight()).isZero();
        assertThat(a.stats().forClass("agent").admitted()).isZero();
    }

    @Test
    void grantToAWaiterCancelledWhileBeingGrantedIsPassedOnNotLeaked() {
        // the ticker is read under the lock right after the waiter was taken off its queue and before its future
        // is completed: cancelling there reproduces the race window deterministically
        HookedTicker hooked = new HookedTicker(ticker);
        PriorityAdmission a = PriorityAdmission.builder().addClass("agent").addClass("browser")
                .maxConcurrent(1).queueCapacity(10)
                .ticker(hooked).scheduler(ticker).build();
        Permit holder = permit(a.acquire("browser"));
        CompletableFuture<Permit> first = a.acquire("agent");
        CompletableFuture<Permit> second = a.acquire("browser");
        hooked.onNextRead(() -> assertThat(first.cancel(false)).isTrue());
        holder.release();

        assertThat(first).isCancelled();
        Permit p = permit(second); // the permit meant for the cancelled waiter went on to the next one
        AdmissionStats s = a.stats();
        assertThat(s.inFlight()).isEqualTo(1);
        assertThat(s.forClass("agent").admitted()).isZero();
        assertThat(s.forClass("agent").cancelled()).isEqualTo(1);
        assertThat(s.forClass("agent").inFlight()).isZero();
        p.release();
        assertThat(a.stats().inFlight()).isZero();
        assertThat(a.stats().forClass("agent").waitAverage()).isEqualTo(Duration.ZERO);
    }

    @Test
    void waiterCancelledWhileTimingOutCountsAsCancelledNotShed() {
        HookedTicker hooked = new HookedTicker(ticker);
        PriorityAdmission a = PriorityAdmission.builder().addClass("browser").maxConcurrent(1).queueCapacity(10)
                .maxWait(Duration.ofSeconds(5)).ticker(hooked).scheduler(ticker).build();
        Permit holder = permit(a.acquire("browser"));
        CompletableFuture<Permit> w = a.acquire("browser");
        // the timeout reads the clock after taking the waiter out of the queue: the caller cancels right there
        hooked.onNextRead(() -> assertThat(w.cancel(false)).isTrue());
        ticker.advance(Duration.ofSeconds(5));
        assertThat(w).isCancelled();
        ClassStats s = a.stats().forClass("browser");
        assertThat(s.shedTimeout()).isZero();
        assertThat(s.cancelled()).isEqualTo(1);
        assertThat(s.queueDepth()).isZero();
        holder.release();
        assertThat(a.stats().inFlight()).isZero();
    }

    @Test
    void retryAfterFollowsTheMeasuredDrainRate() {
        PriorityAdmission a = PriorityAdmission.builder().addClass("browser").maxConcurrent(1).queueCapacity(100)
                .retryAfterMax(Duration.ofSeconds(30)).ticker(ticker).scheduler(ticker).build();
        Permit p = permit(a.acquire("browser"));
        // no drain measured yet: the configured one, 100 places per 30 s max wait; the queue is full: 30 s
        List<CompletableFuture<Permit>> queued = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            queued.add(a.acquire("browser"));
        }
        assertThat(rejection(a.acquire("browser")).retryAfterSeconds()).isEqualTo(30);
        // drain 20 over two seconds: 10 per second (the instance is two seconds old)
        for (int i = 0; i < 20; i++) {
            ticker.advance(Duration.ofMillis(100));
            p.release();
            p = queued.get(i).join();
        }
        assertThat(a.stats().forClass("browser").drainRatePerSecond()).isCloseTo(10.0,
                org.assertj.core.data.Offset.offset(0.01));
        for (int i = 0; i < 20; i++) {
            queued.add(a.acquire("browser"));
        }
        // position 101 at 10/s: 10.1 s, rounded up
        assertThat(rejection(a.acquire("browser")).retryAfterSeconds()).isEqualTo(11);
    }

    @Test
    void coldStartRetryAfterComesFromMaxWaitAndQueuePosition() {
        // the case: a queue that drains within its 500 ms max wait says 1 s, not the 30 s cap
        PriorityAdmission fast = PriorityAdmission.builder().addClass("browser").maxConcurrent(1).queueCapacity(100)
                .maxWait(Duration.ofMillis(500)).retryAfterMax(Duration.ofSeconds(30)).ticker(ticker)
                .scheduler(ticker).build();
        permit(fast.acquire("browser"));
        for (int i = 0; i < 100; i++) {
            fast.acquire("browser");
        }
        AdmissionRejectedException full = rejection(fast.acquire("browser"));
        assertThat(full.reason()).isEqualTo(ShedReason.QUEUE_FULL);
        assertThat(full.retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void coldStartRetryAfterIsThePositionsShareOfMaxWait() {
        // nothing drained yet: the configured drain, capacity places per max wait (bronze: 3 per 10 s)
        PriorityAdmission a = PriorityAdmission.builder().addClass("gold", 1).addClass("bronze", 3).maxConcurrent(1)
                .maxWait(Duration.ofSeconds(10)).retryAfterMax(Duration.ofSeconds(30)).ticker(ticker)
                .scheduler(ticker).build();
        permit(a.acquire("gold"));
        CompletableFuture<Permit> gold1 = a.acquire("gold");
        CompletableFuture<Permit> bronze1 = a.acquire("bronze");
        CompletableFuture<Permit> bronze2 = a.acquire("bronze");
        // gold is full: its next arrival pushes out bronze's newest, at position 2: 2/3 x 10 s = 6.7 s, rounded up
        CompletableFuture<Permit> gold2 = a.acquire("gold");
        AdmissionRejectedException pushed = rejection(bronze2);
        assertThat(pushed.reason()).isEqualTo(ShedReason.PUSHED_OUT);
        assertThat(pushed.retryAfterSeconds()).isEqualTo(7);
        CompletableFuture<Permit> bronze3 = a.acquire("bronze");
        // all queues together are full (4 of 4): bronze's position 3 of 3, the whole max wait
        AdmissionRejectedException full = rejection(a.acquire("bronze"));
        assertThat(full.reason()).isEqualTo(ShedReason.QUEUE_FULL);
        assertThat(full.retryAfterSeconds()).isEqualTo(10);
        // still nothing drained when the max wait is over: each timed-out request gets its remaining queue's share
        ticker.advance(Duration.ofSeconds(10));
        for (CompletableFuture<Permit> f : List.of(bronze1, bronze3)) {
            AdmissionRejectedException timedOut = rejection(f);
            assertThat(timedOut.reason()).isEqualTo(ShedReason.TIMEOUT);
            assertThat(timedOut.retryAfterSeconds()).isEqualTo(4); // at most 1 place left: 1/3 x 10 s, rounded up
        }
        for (CompletableFuture<Permit> f : List.of(gold1, gold2)) {
            assertThat(rejection(f).retryAfterSeconds()).isEqualTo(10); // gold: 1 place per 10 s
        }
    }

    @Test
    void coldStartRetryAfterIsCappedByRetryAfterMax() {
        // 10 places per 120 s
        PriorityAdmission a = PriorityAdmission.builder().addClass("gold", 1).addClass("browser", 10)
                .maxConcurrent(1).maxWait(Duration.ofMinutes(2)).retryAfterMax(Duration.ofSeconds(30))
                .ticker(ticker).scheduler(ticker).build();
        permit(a.acquire("gold"));
        a.acquire("gold");
        CompletableFuture<Permit> first = a.acquire("browser");
        a.acquire("gold"); // pushes out browser's only waiter: position 1, 1/10 x 120 s
        assertThat(rejection(first).retryAfterSeconds()).isEqualTo(12);
        for (int i = 0; i < 10; i++) {
            a.acquire("browser");
        }
        // 10/10 x 120 s = 120 s, over the cap
        assertThat(rejection(a.acquire("browser")).retryAfterSeconds()).isEqualTo(30);
    }

    @Test
    void retryAfterCanBeFixed() {
        PriorityAdmission a = PriorityAdmission.builder().addClass("browser").maxConcurrent(1).queueCapacity(1)
                .fixedRetryAfter(Duration.ofMillis(2500)).ticker(ticker).scheduler(ticker).build();
        permit(a.acquire("browser"));
        a.acquire("browser");
        assertThat(rejection(a.acquire("browser")).retryAfterSeconds()).isEqualTo(3);
    }

    @Test
    void statsCountAdmissionsShedsAndWaitTimes() {
        PriorityAdmission a = admission(1, 1000);
        Permit p = permit(a.acquire("agent")); // waited 0
        List<CompletableFuture<Permit>> waiters = new ArrayList<>();
        for (int i = 0; i < 99; i++) {
            waiters.add(a.acquire("agent"));
        }
        // the i-th waiter gets its permit after (i + 1) * 10 ms
        for (CompletableFuture<Permit> w : waiters) {
            ticker.advance(Duration.ofMillis(10));
            p.release();
            p = w.join();
        }
        p.release();
        ClassStats s = a.stats().forClass("agent");
        assertThat(s.admitted()).isEqualTo(100);
        assertThat(s.inFlight()).isZero();
        assertThat(s.queueDepth()).isZero();
        // waits are 0, 10, 20, ..., 990 ms: average 495 ms, p50 = 490 ms, p99 = 980 ms (within a bucket)
        assertThat(s.waitAverage()).isEqualTo(Duration.ofMillis(495));
        assertThat(s.waitP50().toMillis()).isBetween(475L, 505L);
        assertThat(s.waitP99().toMillis()).isBetween(950L, 1010L);
        assertThat(a.stats().forClass("browser").waitP99()).isEqualTo(Duration.ZERO);
        assertThat(p.waited()).isEqualTo(Duration.ofMillis(990));
    }
}
