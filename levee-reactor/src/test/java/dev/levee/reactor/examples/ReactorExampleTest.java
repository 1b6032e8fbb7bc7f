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
package dev.levee.reactor.examples;

import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.time.ManualTicker;
import dev.levee.core.time.Scheduler;
import dev.levee.reactor.LeveeOperators;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** README "Use it as a library": the Reactor operators. */
class ReactorExampleTest {
    private final ManualTicker ticker = new ManualTicker();
    private final Scheduler scheduler = ticker;
    private final AtomicInteger upstreamCalls = new AtomicInteger();

    /** A reactive odds client: one upstream call per subscription. */
    private Mono<String> fetchOdds(int fixture) {
        return Mono.fromCallable(() -> "odds of " + fixture + " #" + upstreamCalls.incrementAndGet());
    }

    @Test
    void theOperatorsWrapAMonoPerSubscription() {
        PriorityAdmission admission = PriorityAdmission.builder().addClass("agent").addClass("browser")
                .ticker(ticker).scheduler(scheduler).build();
        HotSpotLimiter limiter = HotSpotLimiter.builder().limit(50).window(Duration.ofSeconds(60))
                .ticker(ticker).scheduler(scheduler).build();
        RequestCoalescer<String, String> coalescer = RequestCoalescer.<String, String>builder()
                .maxWait(Duration.ofSeconds(5)).ticker(ticker).scheduler(scheduler).build();
        // README:begin reactor
        Mono<String> odds = fetchOdds(42)
                .transformDeferred(LeveeOperators.hotSpot(limiter, "fixture-42"))     // one slot per upstream call
                .transformDeferred(LeveeOperators.coalesce(coalescer, "fixture-42"))  // concurrent callers share it
                .transformDeferred(LeveeOperators.admit(admission, "agent"));         // a permit per caller
        // a cancelled subscriber gives its permit back and leaves the shared call running for the others;
        // a refusal is the primitive's RejectedException as the Mono's error
        // README:end reactor
        StepVerifier.create(odds).expectNext("odds of 42 #1").verifyComplete();
        assertThat(admission.stats().inFlight()).isZero();
        assertThat(limiter.snapshot(1).callsInWindow()).isEqualTo(1);
        limiter.close();
    }
}
