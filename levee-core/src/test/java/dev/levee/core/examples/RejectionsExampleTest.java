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
package dev.levee.core.examples;

import dev.levee.core.RejectedException;
import dev.levee.core.admission.AdmissionRejectedException;
import dev.levee.core.admission.ShedReason;
import dev.levee.core.breaker.BreakerOpenException;
import dev.levee.core.breaker.BreakerState;
import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.time.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** README "Use it as a library": every primitive's "not now" handled in one place. */
class RejectionsExampleTest {
    /** What a web framework would send. */
    record Response(int status, Map<String, String> headers, String body) {}

    // README:begin rejections
    static Response toResponse(Throwable error) {
        Throwable e = error instanceof CompletionException ? error.getCause() : error;
        if (e instanceof RejectedException r) {   // shed, coalescer full or timed out, hot-spot, breaker, event
            String retryAfter = Long.toString(RejectedException.retryAfterSeconds(r.retryAfter()));
            return new Response(r.suggestedStatus(),                  // 429, 503 or 504
                    Map.of("Retry-After", retryAfter),                // whole seconds, rounded up, >= 1
                    "{\"error\":\"" + r.reason().code() + "\"}");     // stable: queue_full, circuit_open, ...
        }
        return new Response(502, Map.of(), "{\"error\":\"upstream_failed\"}");
    }
    // README:end rejections

    @Test
    void everyRejectionMapsToItsStatusRetryAfterAndCode() {
        assertThat(toResponse(new AdmissionRejectedException(ShedReason.QUEUE_FULL, "browser",
                Duration.ofMillis(1_500))))
                .isEqualTo(new Response(429, Map.of("Retry-After", "2"), "{\"error\":\"queue_full\"}"));
        assertThat(toResponse(new CompletionException(new BreakerOpenException("odds-feed", BreakerState.OPEN,
                Duration.ofSeconds(10)))))
                .isEqualTo(new Response(503, Map.of("Retry-After", "10"), "{\"error\":\"circuit_open\"}"));
        assertThat(toResponse(new IllegalStateException("boom")).status()).isEqualTo(502);

        ManualTicker ticker = new ManualTicker();
        try (HotSpotLimiter limiter = HotSpotLimiter.builder().limit(1).window(Duration.ofSeconds(60))
                .queueCapacity(0).ticker(ticker).scheduler(ticker).build()) {
            limiter.acquire("fixture-42").join().release();
            Throwable rejected = limiter.acquire("fixture-42").handle((p, e) -> e).join();
            assertThat(toResponse(rejected))
                    .isEqualTo(new Response(429, Map.of("Retry-After", "60"), "{\"error\":\"queue_full\"}"));
        }
    }
}
