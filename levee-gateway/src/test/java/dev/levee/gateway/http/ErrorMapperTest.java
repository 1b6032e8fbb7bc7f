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
package dev.levee.gateway.http;

import dev.levee.core.RejectedException;
import dev.levee.core.RejectionReason;
import dev.levee.core.admission.AdmissionRejectedException;
import dev.levee.core.admission.ShedReason;
import dev.levee.core.breaker.BreakerOpenException;
import dev.levee.core.breaker.BreakerState;
import dev.levee.core.coalesce.CoalescerOverflowException;
import dev.levee.core.coalesce.CoalescerTimeoutException;
import dev.levee.core.events.CircuitState;
import dev.levee.core.events.EventRejectedException;
import dev.levee.core.events.RejectReason;
import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.hotspot.HotSpotRejectedException;
import dev.levee.core.time.ManualTicker;
import dev.levee.gateway.upstream.UpstreamBusyException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one mapper from a rejection to a response: the README's error strings and fields, the suggested status,
 * and Retry-After rounded up to whole seconds (at least 1) on every 429 and 503, none on the 504.
 */
class ErrorMapperTest {

    @Test
    void admissionShedIs429ServerBusyAndItsTimeout503QueueTimeout() {
        HttpError shed = ErrorMapper.toHttpError(
                new AdmissionRejectedException(ShedReason.QUEUE_FULL, "browser", Duration.ofSeconds(3)));
        assertError(shed, 429, 3, Map.of("error", "Server busy", "retry_after", 3L, "priority", "browser"));
        HttpError timeout = ErrorMapper.toHttpError(
                new AdmissionRejectedException(ShedReason.TIMEOUT, "agent", Duration.ofSeconds(2)));
        assertError(timeout, 503, 2, Map.of("error", "Queue timeout", "retry_after", 2L, "priority", "agent"));
    }

    @Test
    void hotSpotRejectionIs429WithTheKeyAndTheSlotTimeRoundedUp() {
        HttpError e = ErrorMapper.toHttpError(new HotSpotRejectedException("event:42",
                HotSpotRejectedException.Reason.WAIT_TOO_LONG, TimeUnit.MILLISECONDS.toNanos(6001)));
        assertError(e, 429, 7,
                Map.of("error", "Too many requests for this resource", "retry_after", 7L, "key", "event:42"));
        HttpError raced = ErrorMapper.toHttpError(
                new HotSpotRejectedException("k", HotSpotRejectedException.Reason.QUEUE_FULL, 0));
        assertThat(raced.retryAfterSeconds()).isEqualTo(1); // never 0: that invites a spin
    }

    @Test
    void coalescerTimeoutIs504WithoutRetryAfterAndItsOverflow503() {
        HttpError timeout = ErrorMapper.toHttpError(new CoalescerTimeoutException("k", Duration.ofMillis(300)));
        assertError(timeout, 504, -1, Map.of("error", "Upstream timeout",
                "reason", "waited max-wait for a shared upstream call", "max_wait_ms", 300L));
        HttpError overflow = ErrorMapper.toHttpError(new CoalescerOverflowException("k", true, 10));
        assertError(overflow, 503, 1, Map.of("error", "Too many waiting requests", "retry_after", 1L));
    }

    @Test
    void breakerOpenIs503WithTheOpenTimeRoundedUp() {
        HttpError e = ErrorMapper.toHttpError(new BreakerOpenException("odds", BreakerState.OPEN, Duration.ofMillis(3200)));
        assertError(e, 503, 4, Map.of("error", "Upstream circuit open", "retry_after", 4L));
        HttpError exact = ErrorMapper.toHttpError(new BreakerOpenException("odds", BreakerState.OPEN, Duration.ofSeconds(10)));
        assertThat(exact.retryAfterSeconds()).isEqualTo(10);
    }

    @Test
    void refusedEventsAre503WithTheirTitleReasonPriorityAndCircuit() {
        Map<RejectReason, String> titles = Map.of(RejectReason.SHUTTING_DOWN, "Shutting down",
                RejectReason.JOURNAL_FULL, "Event journal full", RejectReason.CIRCUIT_OPEN, "Queue overloaded",
                RejectReason.CAPACITY_FULL, "Queue overloaded", RejectReason.LOW_PRIORITY_SHED, "Queue overloaded",
                RejectReason.CIRCUIT_HALF_OPEN, "Queue overloaded");
        assertThat(titles).hasSize(RejectReason.values().length);
        titles.forEach((reason, title) -> {
            HttpError e = ErrorMapper.toHttpError(
                    new EventRejectedException(reason, 5, CircuitState.OPEN, 6));
            assertError(e, 503, 6, Map.of("error", title, "retry_after", 6L, "reason", reason.code(),
                    "priority", 5, "circuit", "OPEN"));
        });
    }

    @Test
    void upstreamBusyIs503WithTheBound() {
        HttpError e = ErrorMapper.toHttpError(new UpstreamBusyException(512));
        assertError(e, 503, 1, Map.of("error", "Upstream busy", "retry_after", 1L, "max_in_flight", 512));
    }

    @Test
    void aRejectionTheGatewayDoesNotKnowStillGetsItsStatusReasonAndRetryAfter() {
        RejectedException custom = new RejectedException("quota", Duration.ofMillis(1500), null) {
            @Override
            public RejectionReason reason() {
                return () -> "tenant_quota";
            }

            @Override
            public int suggestedStatus() {
                return 429;
            }
        };
        assertError(ErrorMapper.toHttpError(custom), 429, 2,
                Map.of("error", "Too many requests", "retry_after", 2L, "reason", "tenant_quota"));
    }

    /** A hot-spot limiter closed at shutdown: 503 "Shutting down" wherever it surfaces, read path included. */
    @Test
    void aClosedLimiterIs503ShuttingDownOnEveryStage() {
        ManualTicker time = new ManualTicker();
        HotSpotLimiter limiter = HotSpotLimiter.builder().limit(1).window(Duration.ofSeconds(60))
                .ticker(time).scheduler(time).build();
        limiter.close();
        Throwable closed = limiter.acquire("event:1").handle((p, e) -> e).join();
        HttpError plain = ErrorMapper.toHttpError(closed);
        HttpError readPath = ErrorMapper.toHttpError(new CompletionException(closed),
                e -> HttpError.of(502, "Upstream error"));
        for (HttpError e : List.of(plain, readPath)) {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.body()).containsEntry("error", "Shutting down");
        }
    }

    /** What is neither an error, a refusal nor a closed primitive: the stage's fallback, 500 by default. */
    @Test
    void anyOtherFailureIsTheStagesFallback() {
        IllegalStateException bug = new IllegalStateException("handler bug");
        assertThat(ErrorMapper.toHttpError(bug).status()).isEqualTo(500);
        assertThat(ErrorMapper.toHttpError(bug).body()).containsEntry("error", "Internal error");
        assertThat(ErrorMapper.toHttpError(new CompletionException(new java.io.IOException("reset")),
                e -> HttpError.of(502, "Upstream error")).status()).isEqualTo(502);
        HttpError own = HttpError.of(404, "Not found");
        assertThat(ErrorMapper.toHttpError(new CompletionException(own))).isSameAs(own);
    }

    /** Status, Retry-After, and the body's fields in the README's order (error, retry_after, then the rest). */
    private static void assertError(HttpError e, int status, long retryAfter, Map<String, Object> fields) {
        assertThat(e.status()).isEqualTo(status);
        assertThat(e.retryAfterSeconds()).isEqualTo(retryAfter);
        assertThat(e.body()).containsExactlyInAnyOrderEntriesOf(fields);
        List<String> order = List.copyOf(e.body().keySet());
        assertThat(order.get(0)).isEqualTo("error");
        if (retryAfter >= 0) {
            assertThat(order.get(1)).isEqualTo("retry_after");
            assertThat(e.body().get("retry_after")).isEqualTo(retryAfter); // the header and the body agree
        }
    }
}
