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
package dev.levee.servlet;

import dev.levee.core.ClosedException;
import dev.levee.core.admission.AdmissionRejectedException;
import dev.levee.core.admission.ShedReason;
import dev.levee.core.breaker.BreakerOpenException;
import dev.levee.core.breaker.BreakerState;
import dev.levee.core.coalesce.CoalescerOverflowException;
import dev.levee.core.coalesce.CoalescerTimeoutException;
import dev.levee.core.hotspot.HotSpotRejectedException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway's answers (README "Endpoints", levee-gateway's http/ErrorMapper), byte for byte. */
class RejectionResponseTest {

    @Test
    void admissionShedsAre429ServerBusyOr503QueueTimeoutWithTheClass() {
        assertThat(RejectionResponse.of(new AdmissionRejectedException(ShedReason.QUEUE_FULL, "browser",
                Duration.ofMillis(1_500))))
                .isEqualTo(new RejectionResponse(429, 2,
                        "{\"error\":\"Server busy\",\"retry_after\":2,\"priority\":\"browser\"}"));
        assertThat(RejectionResponse.of(new AdmissionRejectedException(ShedReason.TIMEOUT, "agent",
                Duration.ofSeconds(4))))
                .isEqualTo(new RejectionResponse(503, 4,
                        "{\"error\":\"Queue timeout\",\"retry_after\":4,\"priority\":\"agent\"}"));
    }

    @Test
    void everyOtherPrimitiveAnswersAsTheGatewayDoes() {
        assertThat(RejectionResponse.of(new HotSpotRejectedException("fixture-\"42\"",
                HotSpotRejectedException.Reason.QUEUE_FULL, TimeUnit.SECONDS.toNanos(60))))
                .isEqualTo(new RejectionResponse(429, 60, "{\"error\":\"Too many requests for this resource\","
                        + "\"retry_after\":60,\"key\":\"fixture-\\\"42\\\"\"}"));
        assertThat(RejectionResponse.of(new CoalescerTimeoutException("fixture-42", Duration.ofSeconds(5))))
                .isEqualTo(new RejectionResponse(504, -1, "{\"error\":\"Upstream timeout\","
                        + "\"reason\":\"waited max-wait for a shared upstream call\",\"max_wait_ms\":5000}"));
        assertThat(RejectionResponse.of(new CoalescerOverflowException("fixture-42", true, 10)).body())
                .isEqualTo("{\"error\":\"Too many waiting requests\",\"retry_after\":1}");
        assertThat(RejectionResponse.of(new BreakerOpenException("odds-feed", BreakerState.OPEN,
                Duration.ofSeconds(10))))
                .isEqualTo(new RejectionResponse(503, 10, "{\"error\":\"Upstream circuit open\",\"retry_after\":10}"));
    }

    @Test
    void forFailureLooksThroughCompletionWrappersAndLeavesOtherFailuresToTheApplication() {
        assertThat(RejectionResponse.forFailure(new CompletionException(new BreakerOpenException("odds-feed",
                BreakerState.OPEN, Duration.ofSeconds(10))))).map(RejectionResponse::status).hasValue(503);
        assertThat(RejectionResponse.forFailure(new ClosedException("hot-spot limiter")))
                .hasValue(new RejectionResponse(503, -1, "{\"error\":\"Shutting down\"}"));
        assertThat(RejectionResponse.forFailure(new IllegalStateException("boom"))).isEmpty();
    }
}
