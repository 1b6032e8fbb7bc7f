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

import dev.levee.core.time.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A config reload changes the limit and the queue capacities of a running admission; no waiter is dropped. */
class PriorityAdmissionReconfigureTest {
    private final ManualTicker ticker = new ManualTicker();

    private PriorityAdmission admission(int maxConcurrent, int queueCapacity) {
        return PriorityAdmission.builder().addClass("agent").addClass("browser")
                .maxConcurrent(maxConcurrent).queueCapacity(queueCapacity).maxWait(Duration.ofSeconds(30))
                .ticker(ticker).scheduler(ticker).build();
    }

    @Test
    void raisingTheLimitGrantsWaitersAtOnceHighestClassFirst() {
        PriorityAdmission a = admission(1, 10);
        Permit held = a.acquire("browser").join();
        CompletableFuture<Permit> browser = a.acquire("browser");
        CompletableFuture<Permit> agent = a.acquire("agent");
        CompletableFuture<Permit> third = a.acquire("browser");
        assertThat(List.of(browser, agent, third)).noneMatch(CompletableFuture::isDone);

        a.setMaxConcurrent(3);

        assertThat(a.maxConcurrent()).isEqualTo(3);
        assertThat(agent).isCompleted();
        assertThat(browser).isCompleted();
        assertThat(third).isNotDone(); // 3 in flight: the third waiter still waits its turn
        assertThat(a.stats().inFlight()).isEqualTo(3);
        assertThat(a.stats().queued()).isEqualTo(1);
        held.release();
        assertThat(third).isCompleted();
    }

    @Test
    void loweringTheLimitKeepsPermitsAndWaitersAndGrantsOnlyBelowTheNewLimit() {
        PriorityAdmission a = admission(3, 10);
        List<Permit> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(a.acquire("browser").join());
        }
        CompletableFuture<Permit> waiter = a.acquire("browser");

        a.setMaxConcurrent(1);

        assertThat(a.stats().inFlight()).isEqualTo(3); // nothing revoked
        assertThat(a.stats().queued()).isEqualTo(1);   // nothing dropped
        held.get(0).release();
        held.get(1).release();
        assertThat(waiter).isNotDone(); // 1 in flight = the new limit
        held.get(2).release();
        assertThat(waiter).isCompleted();
        assertThat(a.stats().classes().get(1).shed()).isZero();
    }

    @Test
    void aCancelledWaiterMeetingARaisePassesItsPermitOn() {
        PriorityAdmission a = admission(1, 10);
        a.acquire("browser").join();
        CompletableFuture<Permit> gone = a.acquire("browser");
        CompletableFuture<Permit> next = a.acquire("browser");
        gone.cancel(false);

        a.setMaxConcurrent(2);

        assertThat(next).isCompleted();
        assertThat(a.stats().inFlight()).isEqualTo(2);
    }

    @Test
    void queueCapacityChangesForArrivalsAndKeepsWaitersBeyondALoweredOne() {
        PriorityAdmission a = admission(1, 3);
        a.acquire("browser").join();
        List<CompletableFuture<Permit>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(a.acquire("browser"));
        }
        assertThat(a.acquire("browser")).isCompletedExceptionally(); // full at 3

        a.setQueueCapacity("browser", 1);
        assertThat(waiting).noneMatch(CompletableFuture::isDone); // still queued, over the new capacity
        assertThat(a.stats().classes().get(1).queueCapacity()).isEqualTo(1);
        assertThat(a.stats().queueCapacity()).isEqualTo(4); // agent 3 + browser 1
        assertThat(a.acquire("browser")).isCompletedExceptionally();

        a.setQueueCapacity("browser", 5);
        assertThat(a.acquire("browser")).isNotDone();
        assertThat(a.stats().queued()).isEqualTo(4);
    }

    @Test
    void anAdaptiveLimitCannotBeSetAndUnknownClassesAndBadValuesAreRefused() {
        PriorityAdmission adaptive = PriorityAdmission.builder().addClass("browser")
                .adaptiveLimit(AdaptiveLimit.builder().build()).ticker(ticker).scheduler(ticker).build();
        assertThatThrownBy(() -> adaptive.setMaxConcurrent(5)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("adaptive");
        PriorityAdmission a = admission(1, 1);
        assertThatThrownBy(() -> a.setMaxConcurrent(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.setQueueCapacity("nobody", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nobody");
    }
}
