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

import dev.levee.core.admission.Permit;
import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.time.ManualTicker;
import dev.levee.core.time.Scheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** README "Use it as a library": priority admission. */
class AdmissionExampleTest {
    private final ManualTicker ticker = new ManualTicker();
    private final Scheduler scheduler = ticker;
    private final OddsClient client = new OddsClient();

    @Test
    @SuppressWarnings("try") // the permit is held for the block, never read: what the README shows
    void aPermitInTryWithResourcesIsReleasedAndPassedToTheHighestWaitingClass() {
        // README:begin admission
        PriorityAdmission admission = PriorityAdmission.builder()
                .addClass("agent", 100)            // highest priority first, each class its own queue
                .addClass("browser", 1_000)
                .maxConcurrent(200)                // shared by all classes, never exceeded
                .maxWait(Duration.ofSeconds(2))    // a longer wait is shed (TIMEOUT)
                .ticker(ticker).scheduler(scheduler)
                .build();

        String odds;
        try (Permit permit = admission.acquire("agent").join()) {
            odds = client.fetchOddsBlocking(42);   // released on every exit of the block
        }
        // README:end admission
        assertThat(odds).isEqualTo("odds of 42 #1");
        assertThat(admission.stats().inFlight()).isZero();

        // at the limit, a freed permit goes to the highest class waiting; a waiter past its max wait is shed
        List<Permit> held = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            held.add(admission.acquire("browser").join());
        }
        CompletableFuture<Permit> browser = admission.acquire("browser");
        CompletableFuture<Permit> agent = admission.acquire("agent");
        held.getFirst().close();
        assertThat(agent).isCompleted();
        assertThat(browser).isNotDone();
        ticker.advance(Duration.ofSeconds(2));
        assertThat(browser).isCompletedExceptionally();
    }
}
