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

import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.time.ManualTicker;
import dev.levee.core.time.Scheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** README "Use it as a library": request coalescer. */
class CoalescerExampleTest {
    private final ManualTicker ticker = new ManualTicker();
    private final Scheduler scheduler = ticker;
    private final OddsClient client = new OddsClient();

    @Test
    void concurrentCallersOfOneKeyShareOneUpstreamCall() {
        client.hold(); // the upstream answers when the test says so: both callers arrive while it is in flight
        // README:begin coalescer
        RequestCoalescer<String, String> coalescer = RequestCoalescer.<String, String>builder()
                .maxWait(Duration.ofSeconds(5))    // each caller's own deadline; the shared call goes on
                .ticker(ticker).scheduler(scheduler)
                .build();

        var first = coalescer.join("fixture-42", () -> client.fetchOdds(42));
        var second = coalescer.join("fixture-42", () -> client.fetchOdds(42));
        // first.leader() is true, second.leader() false: one upstream call, both get its answer
        // README:end coalescer
        assertThat(first.leader()).isTrue();
        assertThat(second.leader()).isFalse();
        assertThat(client.calls).hasValue(1);
        client.answerHeld("odds of 42");
        assertThat(first.result()).isCompletedWithValue("odds of 42");
        assertThat(second.result()).isCompletedWithValue("odds of 42");
        assertThat(coalescer.inFlight("fixture-42")).isFalse();
    }
}
