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
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** The public surface of {@link HotSpotLimiter}: its builder, the future of {@code acquire}, {@code call}. */
class HotSpotLimiterApiTest {
    private static final Duration WINDOW = Duration.ofSeconds(10);
    private static final Duration GENEROUS = Duration.ofSeconds(30); // for real-thread hand-offs on a busy machine

    private final ManualTicker time = new ManualTicker();
    private final List<HotSpotLimiter> limiters = new ArrayList<>();

    @AfterEach
    void close() {
        limiters.forEach(HotSpotLimiter::close);
    }

    private HotSpotLimiter.Builder builder() {
        return HotSpotLimiter.builder().limit(1).window(WINDOW).ticker(time).scheduler(time);
    }

    private HotSpotLimiter limiter(int queue) {
        HotSpotLimiter l = builder().queueCapacity(queue).maxWait(Duration.ofMinutes(1)).build();
        limiters.add(l);
        return l;
    }

    @Test
    void aMissingRequiredArgumentFailsBuildNamingIt() {
        assertThatThrownBy(() -> HotSpotLimiter.builder().window(WINDOW).scheduler(time).build())
                .isExactlyInstanceOf(IllegalStateException.class).hasMessageStartingWith("limit: missing (expected: ");
        assertThatThrownBy(() -> HotSpotLimiter.builder().limit(1).scheduler(time).build())
                .isExactlyInstanceOf(IllegalStateException.class).hasMessageStartingWith("window: missing (expected: ");
        assertThatThrownBy(() -> HotSpotLimiter.builder().limit(1).window(WINDOW).build())
                .isExactlyInstanceOf(IllegalStateException.class).hasMessage("scheduler: missing (expected: a Scheduler, e.g. Scheduler.system(\"levee\"))");
    }

    @Test
    void aNullArgumentFailsAtOnceNamingIt() {
        assertNpe(() -> HotSpotLimiter.builder().window(null), "window");
        assertNpe(() -> HotSpotLimiter.builder().maxWait(null), "maxWait");
        assertNpe(() -> HotSpotLimiter.builder().store(null), "store");
        assertNpe(() -> HotSpotLimiter.builder().namespace(null), "namespace");
        assertNpe(() -> HotSpotLimiter.builder().ticker(null), "ticker");
        assertNpe(() -> HotSpotLimiter.builder().scheduler(null), "scheduler");
        HotSpotLimiter l = limiter(0);
        assertNpe(() -> l.acquire(null), "key");
        assertNpe(() -> l.call(null, () -> 1), "key");
        assertNpe(() -> l.call("k", null), "work");
    }

    @Test
    void aBadValueFailsAtOnceWithTheValue() {
        HotSpotLimiter.Builder b = HotSpotLimiter.builder();
        assertIae(() -> b.limit(0), "limit: 0 (expected: > 0)");
        assertIae(() -> b.window(Duration.ZERO), "window: PT0S (expected: > 0)");
        assertIae(() -> b.window(Duration.ofSeconds(-1)), "window: PT-1S (expected: > 0)");
        assertIae(() -> b.queueCapacity(-1), "queueCapacity: -1 (expected: >= 0)");
        assertIae(() -> b.maxWait(Duration.ofMillis(-1)), "maxWait: PT-0.001S (expected: >= 0)");
        assertIae(() -> b.maxKeys(0), "maxKeys: 0 (expected: > 0)");
        assertIae(() -> b.alertThreshold(1.5), "alertThreshold: 1.5 (expected: > 0 and <= 1)");
        assertIae(() -> b.alertThreshold(0), "alertThreshold: 0.0 (expected: > 0 and <= 1)");
        assertIae(() -> b.topKeys(9), "topKeys: 9 (expected: >= 10)");
    }

    @Test
    void buildsWithDefaultsAndAnOwnInMemoryStore() {
        HotSpotLimiter l = HotSpotLimiter.builder().limit(5).window(WINDOW).scheduler(time).build();
        limiters.add(l);
        assertThat(l.settings()).isEqualTo(new HotSpotSettings(5, WINDOW, 100, Duration.ofSeconds(30),
                HotSpotSettings.DEFAULT_MAX_KEYS, HotSpotSettings.DEFAULT_ALERT_THRESHOLD,
                HotSpotSettings.DEFAULT_TOP_KEYS));
        for (int i = 0; i < 5; i++) {
            assertThat(l.acquire("k")).isCompleted();
        }
        assertThat(l.acquire("k")).isNotDone(); // sixth waits in the default queue
    }

    @Test
    void namespacePrefixesTheStoreKeysOnly() {
        WindowStore shared = WindowStore.inMemory(100);
        HotSpotLimiter a = builder().queueCapacity(0).store(shared).namespace("a|").build();
        HotSpotLimiter b = builder().queueCapacity(0).store(shared).namespace("b|").build();
        limiters.add(a);
        limiters.add(b);
        Permit p = a.acquire("k").join();
        assertThat(p.key()).isEqualTo("k");
        assertThat(b.acquire("k")).isCompleted();                   // its own window in the shared store
        assertThat(shared.peekCount("a|k", WINDOW, time.read())).hasValue(1);
        assertThat(a.acquire("k")).isCompletedExceptionally();      // "a|k" is full
    }

    @Test
    void acquireReturnsACompletableFuture() {
        HotSpotLimiter l = limiter(1);
        CompletableFuture<Permit> first = l.acquire("k");
        CompletableFuture<Permit> second = l.acquire("k");
        assertThat(first).isCompleted();
        assertThat(second).isNotDone();
        second.cancel(false);                                       // leaves the queue
        assertThat(l.snapshot(1).queued()).isZero();
        first.join().refund();
        assertThat(l.acquire("k")).isCompleted();
    }

    @Test
    void callReleasesThePermitWhenTheWorkReturns() throws Exception {
        HotSpotLimiter l = limiter(0);
        String result = onVirtualThread(() -> l.call("k", () -> {
            assertThat(Thread.currentThread().isVirtual()).isTrue();
            assertThat(l.snapshot(1).inFlight()).isEqualTo(1);   // holds the permit while it works
            return "odds";
        })).get();
        assertThat(result).isEqualTo("odds");
        HotSpotSnapshot s = l.snapshot(1);
        assertThat(s.inFlight()).isZero();
        assertThat(s.granted()).isEqualTo(1);
        // released, not refunded: the slot stays counted for one more window
        assertThat(rejection(l.acquire("k")).reason()).isEqualTo(Reason.QUEUE_FULL);
        time.advance(WINDOW);
        assertThat(l.acquire("k")).isCompleted();
    }

    @Test
    void callReleasesThePermitWhenTheWorkThrows() throws Exception {
        HotSpotLimiter l = limiter(0);
        IllegalStateException failure = new IllegalStateException("upstream reset the connection");
        Throwable thrown = onVirtualThread(() -> catchThrowable(() -> l.call("k", () -> {
            throw failure;
        }))).get();
        assertThat(thrown).isSameAs(failure);
        assertThat(l.snapshot(1).inFlight()).isZero();
        // the call may have reached the upstream: its slot stays counted (released), it is not handed back
        assertThat(rejection(l.acquire("k")).reason()).isEqualTo(Reason.QUEUE_FULL);
        time.advance(WINDOW);
        assertThat(l.acquire("k")).isCompleted();
    }

    @Test
    void callBlocksItsVirtualThreadUntilASlotFrees() throws Exception {
        HotSpotLimiter l = limiter(1);
        Permit held = l.acquire("k").join();
        AtomicInteger runs = new AtomicInteger();
        CompletableFuture<Integer> result = onVirtualThread(() -> l.call("k", runs::incrementAndGet));
        await().atMost(GENEROUS).until(() -> l.snapshot(1).queued() == 1);
        assertThat(result).isNotDone();
        held.release();
        assertThat(result).isNotDone();                               // counted for one more window
        time.advance(WINDOW);                                         // the wake task grants the waiter
        assertThat(result.get()).isEqualTo(1);
        assertThat(runs).hasValue(1);
        assertThat(l.snapshot(1).inFlight()).isZero();
    }

    @Test
    void callThrowsTheRejectionAndDoesNotRunTheWork() throws Exception {
        HotSpotLimiter l = limiter(0);
        Permit held = l.acquire("k").join();
        AtomicBoolean ran = new AtomicBoolean();
        Throwable thrown = onVirtualThread(() -> catchThrowable(() -> l.call("k", () -> ran.getAndSet(true)))).get();
        assertThat(thrown).isInstanceOf(HotSpotRejectedException.class);
        assertThat(((HotSpotRejectedException) thrown).reason()).isEqualTo(Reason.QUEUE_FULL);
        assertThat(ran).isFalse();
        held.release();
    }

    @Test
    void anInterruptedCallGivesItsPlaceUpAndKeepsTheInterrupt() throws Exception {
        HotSpotLimiter l = limiter(1);
        Permit held = l.acquire("k").join();
        AtomicBoolean ran = new AtomicBoolean();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread t = Thread.ofVirtual().start(() -> {
            thrown.complete(catchThrowable(() -> l.call("k", () -> ran.getAndSet(true))));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        await().atMost(GENEROUS).until(() -> l.snapshot(1).queued() == 1);
        t.interrupt();
        t.join(GENEROUS);
        assertThat(thrown.get()).isInstanceOf(CancellationException.class)
                .hasCauseInstanceOf(InterruptedException.class);
        assertThat(stillInterrupted).isTrue();
        assertThat(ran).isFalse();
        assertThat(l.snapshot(1).queued()).isZero();
        held.refund();                                                // nothing leaked: the slot is free again
        assertThat(l.acquire("k")).isCompleted();
        assertThat(l.snapshot(1).inFlight()).isEqualTo(1);
    }

    private static <T> CompletableFuture<T> onVirtualThread(Supplier<T> body) {
        CompletableFuture<T> out = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                out.complete(body.get());
            } catch (Throwable e) {
                out.completeExceptionally(e);
            }
        });
        return out.orTimeout(GENEROUS.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    }

    private static HotSpotRejectedException rejection(CompletableFuture<Permit> f) {
        assertThat(f).isCompletedExceptionally();
        return (HotSpotRejectedException) catchThrowable(f::join).getCause();
    }

    private static void assertNpe(ThrowingCallable call, String name) {
        assertThatThrownBy(call).isInstanceOf(NullPointerException.class).hasMessage(name);
    }

    private static void assertIae(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
