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
package dev.levee.core;

import dev.levee.core.admission.AdmissionRejectedException;
import dev.levee.core.admission.ShedReason;
import dev.levee.core.breaker.BreakerOpenException;
import dev.levee.core.breaker.BreakerState;
import dev.levee.core.breaker.UpstreamBreaker;
import dev.levee.core.breaker.Verdict;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.events.CircuitState;
import dev.levee.core.events.EventRejectedException;
import dev.levee.core.events.RejectReason;
import dev.levee.core.hotspot.HotSpotRejectedException;
import dev.levee.core.time.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Every primitive's "not now" is a {@link RejectedException}: a stable reason code, a positive Retry-After
 * estimate and the HTTP status it suggests. The coalescer and the breaker are driven for real; admission,
 * hot-spot and event refusals are built as their primitives build them.
 */
class RejectedExceptionTest {
    private final ManualTicker time = new ManualTicker();

    @Test
    void admissionShedSuggests429AndItsTimeoutSuggests503() {
        RejectedException shed = new AdmissionRejectedException(ShedReason.QUEUE_FULL, "browser", Duration.ofSeconds(3));
        assertRejection(shed, "queue_full", Duration.ofSeconds(3), 429);
        assertRejection(new AdmissionRejectedException(ShedReason.PUSHED_OUT, "browser", Duration.ofSeconds(2)),
                "pushed_out", Duration.ofSeconds(2), 429);
        assertRejection(new AdmissionRejectedException(ShedReason.TIMEOUT, "agent", Duration.ofSeconds(5)),
                "timeout", Duration.ofSeconds(5), 503);
    }

    @Test
    void hotSpotRejectionSuggests429WithTheTimeUntilASlotFrees() {
        for (HotSpotRejectedException.Reason r : HotSpotRejectedException.Reason.values()) {
            var e = new HotSpotRejectedException("event:42", r, TimeUnit.MILLISECONDS.toNanos(6500));
            assertRejection(e, r.name().toLowerCase(), Duration.ofMillis(6500), 429);
            assertThat(RejectedException.retryAfterSeconds(e.retryAfter())).isEqualTo(7);
        }
        // a slot that freed while the rejection was made: still a positive estimate, never zero
        var raced = new HotSpotRejectedException("k", HotSpotRejectedException.Reason.QUEUE_FULL, 0);
        assertThat(raced.retryAfter()).isPositive();
        assertThat(RejectedException.retryAfterSeconds(raced.retryAfter())).isEqualTo(1);
    }

    @Test
    void coalescerOverflowSuggests503AndItsTimeoutSuggests504() {
        RequestCoalescer<String, Object> c = RequestCoalescer.<String, Object>builder().ticker(time).scheduler(time)
                .maxWait(Duration.ofMillis(300)).maxWaitersPerKey(1).maxWaiters(2).build();
        CompletableFuture<Object> never = new CompletableFuture<>();
        CompletableFuture<Object> first = c.getOrFetch("a", () -> never);
        assertRejection(rejection(c.getOrFetch("a", () -> never)), "key_waiters_full",
                RejectedException.FALLBACK_RETRY_AFTER, 503);
        c.getOrFetch("b", () -> never);
        assertRejection(rejection(c.getOrFetch("c", () -> never)), "waiters_full",
                RejectedException.FALLBACK_RETRY_AFTER, 503);
        time.advance(Duration.ofMillis(300));
        assertRejection(rejection(first), "wait_timeout", RejectedException.FALLBACK_RETRY_AFTER, 504);
    }

    @Test
    void breakerOpenSuggests503WithTheOpenTimeLeft() {
        UpstreamBreaker breaker = UpstreamBreaker.builder("odds").ticker(time).scheduler(time).minimumCalls(2)
                .windowSize(2).failureRateThreshold(50).openFor(Duration.ofSeconds(10)).build();
        for (int i = 0; i < 2; i++) {
            breaker.execute(() -> CompletableFuture.completedFuture(500), s -> Verdict.FAILURE).join();
        }
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
        time.advance(Duration.ofMillis(3500));
        var refused = rejection(breaker.execute(() -> CompletableFuture.completedFuture(200), s -> Verdict.SUCCESS));
        assertRejection(refused, "circuit_open", Duration.ofMillis(6500), 503);
        assertThat(RejectedException.retryAfterSeconds(refused.retryAfter())).isEqualTo(7);
    }

    @Test
    void aRefusedEventSuggests503WithThePipelinesEstimate() {
        for (RejectReason r : RejectReason.values()) {
            var e = new EventRejectedException(r, 5, CircuitState.OPEN, 6);
            assertRejection(e, r.code(), Duration.ofSeconds(6), 503);
            assertThat(e.priority()).isEqualTo(5);
            assertThat(e.state()).isEqualTo(CircuitState.OPEN);
        }
        assertThatThrownBy(() -> new EventRejectedException(RejectReason.CIRCUIT_OPEN, 5, CircuitState.OPEN, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("retryAfterSeconds: 0 (expected: >= 1)");
    }

    @Test
    void retryAfterSecondsRoundsUpToAtLeastOne() {
        assertThat(RejectedException.retryAfterSeconds(Duration.ofNanos(1))).isEqualTo(1);
        assertThat(RejectedException.retryAfterSeconds(Duration.ofMillis(999))).isEqualTo(1);
        assertThat(RejectedException.retryAfterSeconds(Duration.ofSeconds(1))).isEqualTo(1);
        assertThat(RejectedException.retryAfterSeconds(Duration.ofMillis(1001))).isEqualTo(2);
        assertThat(RejectedException.retryAfterSeconds(Duration.ofSeconds(30))).isEqualTo(30);
        assertThat(RejectedException.retryAfterSeconds(Duration.ZERO)).isEqualTo(1);
    }

    @Test
    void aNegativeEstimateIsABug() {
        assertThatThrownBy(() -> new BreakerOpenException("b", BreakerState.OPEN, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryAfter");
        assertThatThrownBy(() -> new HotSpotRejectedException("k", HotSpotRejectedException.Reason.QUEUE_FULL, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryAfterNanos");
    }

    private static RejectedException rejection(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        CompletionException e = catchThrowableOfType(CompletionException.class, f::join);
        assertThat(e.getCause()).isInstanceOf(RejectedException.class);
        return (RejectedException) e.getCause();
    }

    private static void assertRejection(RejectedException e, String reason, Duration retryAfter, int status) {
        assertThat(e.reason().code()).isEqualTo(reason);
        assertThat(e.retryAfter()).isEqualTo(retryAfter);
        assertThat(e.suggestedStatus()).isEqualTo(status);
        assertThat(e.getStackTrace()).as("stackless: an expected outcome").isEmpty();
    }
}
