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
package dev.levee.core.events;

import dev.levee.core.time.ManualTicker;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every circuit transition at its exact threshold, the priorities accepted in each state and the low-priority
 * drop at 80 % of critical. Depth is driven exactly: one worker whose deliveries stay in flight until the test
 * completes them. Thresholds: warning 8, critical 10 (80 % = 8, 0.6 x = 6), recovery 4, capacity 20.
 */
class QueueCircuitTest {
    private final ManualTicker time = new ManualTicker();
    private final HeldSink sink = new HeldSink();
    private EventPipeline<String> events;

    @BeforeEach
    void setUp() {
        events = EventPipeline.builder(sink)
                .thresholds(new Thresholds(8, 10, 4, 20, Duration.ofSeconds(30)))
                .priorities(Map.of("scheduled", 1, "telemetry-data", 5, "batch-operation", 10, "report", 7))
                .workers(100) // every accepted event is in flight: depth == accepted - completed
                .deliveryTimeout(Duration.ofHours(1))
                .ticker(time).scheduler(time)
                .build();
    }

    private void fill(int depth, int priority) {
        while (events.stats().depth() < depth) {
            assertThat(Outcome.of(events.submit("t", priority, null)).accepted()).isTrue();
        }
    }

    private void drainTo(int depth) {
        while (events.stats().depth() > depth) {
            sink.succeedNext();
        }
    }

    @Test
    void closedOpensExactlyAtCritical() {
        fill(9, 5);
        assertThat(events.state()).isEqualTo(CircuitState.CLOSED);
        time.advance(Duration.ofMillis(1234));
        Outcome tenth = Outcome.of(events.submit("telemetry-data", null));
        assertThat(tenth.accepted()).isTrue();
        assertThat(tenth.state()).isEqualTo(CircuitState.OPEN);
        assertThat(events.state()).isEqualTo(CircuitState.OPEN);
        CircuitTransition t = events.stats().transitions().getLast();
        assertThat(t.from()).isEqualTo(CircuitState.CLOSED);
        assertThat(t.to()).isEqualTo(CircuitState.OPEN);
        assertThat(t.depth()).isEqualTo(10);
        assertThat(t.atEpochMillis()).isEqualTo(time.epochMillis());
        assertThat(events.stats().stateSinceEpochMillis()).isEqualTo(time.epochMillis());
    }

    @Test
    void openAcceptsOnlyPriorityOneUntilTheHardCapacity() {
        fill(10, 5);
        assertThat(Outcome.of(events.submit("telemetry-data", null)).reason()).isEqualTo(RejectReason.CIRCUIT_OPEN);
        assertThat(Outcome.of(events.submit("batch-operation", null)).reason()).isEqualTo(RejectReason.CIRCUIT_OPEN);
        assertThat(Outcome.of(events.submit("t", 2, null)).reason()).isEqualTo(RejectReason.CIRCUIT_OPEN);
        for (int i = 10; i < 20; i++) {
            assertThat(Outcome.of(events.submit("scheduled", null)).accepted()).isTrue();
        }
        Outcome full = Outcome.of(events.submit("scheduled", null));
        assertThat(full.reason()).isEqualTo(RejectReason.CAPACITY_FULL);
        assertThat(full.retryAfterSeconds()).as("nothing has drained: the cap, retry-after-max's default")
                .isEqualTo(60);
        assertThat(events.stats().depth()).isEqualTo(20);
    }

    @Test
    void openHalfOpensExactlyAtRecovery() {
        fill(10, 5);
        drainTo(5);
        assertThat(events.state()).isEqualTo(CircuitState.OPEN);
        sink.succeedNext(); // depth 4 == recovery
        assertThat(events.state()).isEqualTo(CircuitState.HALF_OPEN);
        CircuitTransition t = events.stats().transitions().getLast();
        assertThat(t.from()).isEqualTo(CircuitState.OPEN);
        assertThat(t.depth()).isEqualTo(4);
    }

    @Test
    void halfOpenAcceptsPrioritiesOneAndFiveButNotLow() {
        fill(10, 5);
        drainTo(4);
        assertThat(Outcome.of(events.submit("batch-operation", null)).reason()).isEqualTo(RejectReason.CIRCUIT_HALF_OPEN);
        assertThat(Outcome.of(events.submit("report", null)).reason()).isEqualTo(RejectReason.CIRCUIT_HALF_OPEN);
        assertThat(Outcome.of(events.submit("telemetry-data", null)).accepted()).isTrue();
        assertThat(Outcome.of(events.submit("scheduled", null)).accepted()).isTrue();
        assertThat(events.state()).isEqualTo(CircuitState.HALF_OPEN);
    }

    @Test
    void halfOpenReopensOnlyPastSixtyPercentOfCritical() {
        fill(10, 5);
        drainTo(4);
        fill(6, 5); // 0.6 x 10 = 6: not past it
        assertThat(events.state()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(Outcome.of(events.submit("telemetry-data", null)).state()).isEqualTo(CircuitState.OPEN); // depth 7
        assertThat(events.stats().transitions().getLast().reason()).contains("0.6");
    }

    @Test
    void halfOpenClosesAfterTheStablePeriodExactly() {
        fill(10, 5);
        drainTo(4);
        time.advance(Duration.ofSeconds(30).minusNanos(1));
        assertThat(events.state()).isEqualTo(CircuitState.HALF_OPEN);
        time.advance(Duration.ofNanos(1)); // the scheduled check fires: no submit needed
        assertThat(events.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(events.stats().transitions()).extracting(CircuitTransition::to)
                .containsExactly(CircuitState.OPEN, CircuitState.HALF_OPEN, CircuitState.CLOSED);
    }

    @Test
    void aDepthBumpAboveRecoveryRestartsTheStablePeriod() {
        fill(10, 5);
        drainTo(4);
        time.advance(Duration.ofSeconds(20));
        fill(5, 5); // above recovery: not stable any more
        time.advance(Duration.ofSeconds(5));
        drainTo(4); // stable again from here
        time.advance(Duration.ofSeconds(29));
        assertThat(events.state()).isEqualTo(CircuitState.HALF_OPEN);
        time.advance(Duration.ofSeconds(1));
        assertThat(events.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void flappingAroundRecoveryKeepsAtMostOneStableCheckPending() {
        fill(10, 5);
        drainTo(4);
        for (int i = 0; i < 100; i++) { // 5 -> 4 -> 5 ...: every flap restarts the stable stretch
            fill(5, 5);
            drainTo(4);
        }
        // one delivery timeout per held delivery, plus one stable check (not one per flap)
        assertThat(time.pendingTasks()).isEqualTo(events.stats().active() + 1);
        time.advance(Duration.ofSeconds(30));
        assertThat(events.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void halfOpenKeepsACheckArmedSoADepthThatFellUnobservedStillCloses() {
        // the circuit alone, its depth moved behind its back as a shared Redis queue drained by other instances is
        java.util.concurrent.atomic.AtomicInteger depth = new java.util.concurrent.atomic.AtomicInteger();
        QueueCircuit circuit = new QueueCircuit(new Thresholds(8, 10, 4, 20, Duration.ofSeconds(30)), time, time,
                depth::get);
        circuit.evaluate(10);
        circuit.evaluate(4);
        assertThat(circuit.phase().state()).isEqualTo(CircuitState.HALF_OPEN);
        depth.set(5);
        circuit.evaluate(5); // above recovery: the stable stretch stops
        time.advance(Duration.ofSeconds(30)); // the check finds depth 5 and stays armed
        assertThat(time.pendingTasks()).isEqualTo(1);
        depth.set(4);        // the depth falls with no observation
        time.advance(Duration.ofSeconds(30)); // the check sees 4: a stable stretch starts
        assertThat(circuit.phase().state()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(time.pendingTasks()).isEqualTo(1);
        time.advance(Duration.ofSeconds(30).minusNanos(1));
        assertThat(circuit.phase().state()).isEqualTo(CircuitState.HALF_OPEN);
        time.advance(Duration.ofNanos(1));
        assertThat(circuit.phase().state()).isEqualTo(CircuitState.CLOSED);
        assertThat(time.pendingTasks()).as("no check once CLOSED").isZero();
    }

    @Test
    void lowPriorityIsDroppedFromEightyPercentOfCritical() {
        fill(7, 5);
        assertThat(Outcome.of(events.submit("batch-operation", null)).accepted()).isTrue(); // depth 7 -> 8
        Outcome low = Outcome.of(events.submit("batch-operation", null)); // depth 8 = 80 % of 10
        assertThat(low.reason()).isEqualTo(RejectReason.LOW_PRIORITY_SHED);
        assertThat(low.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(Outcome.of(events.submit("telemetry-data", null)).accepted()).isTrue();
        assertThat(events.stats().rejectedByReason()).containsEntry(RejectReason.LOW_PRIORITY_SHED, 1L);
    }

    @Test
    void warningIsTrackedPerCrossing() {
        fill(7, 5);
        assertThat(events.stats().aboveWarning()).isFalse();
        fill(8, 5);
        assertThat(events.stats().aboveWarning()).isTrue();
        drainTo(7);
        assertThat(events.stats().aboveWarning()).isFalse();
    }

    @Test
    void unknownTypesGetTheDefaultPriority() {
        assertThat(events.priorityOf("no-such-type")).isEqualTo(5);
        assertThat(events.priorityOf("scheduled")).isEqualTo(1);
        assertThat(Outcome.of(events.submit("no-such-type", null)).priority()).isEqualTo(5);
    }

    @Test
    void resetForcesClosedAndZeroesTheSinceResetTotals() {
        fill(10, 5);
        Outcome.of(events.submit("telemetry-data", null));
        drainTo(3);
        assertThat(events.state()).isEqualTo(CircuitState.HALF_OPEN);
        events.resetStats();
        assertThat(events.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(events.stats().rejected()).isZero();
        assertThat(events.stats().completed()).isZero();
        assertThat(events.totals().completed()).isEqualTo(7);
        assertThat(events.stats().transitions().getLast().reason()).isEqualTo("manual reset");
    }

    @Test
    void thresholdsRejectBadValuesWithTheValue() {
        assertThatThrownBy(() -> Thresholds.of(10, 5, 1)).hasMessageContaining("recovery < warning < critical");
        assertThatThrownBy(() -> Thresholds.of(900, 1000, 700)).hasMessageContaining("recovery: 700");
        assertThatThrownBy(() -> Thresholds.of(8, 10, 4).withCapacity(9)).hasMessageContaining("capacity: 9");
        assertThatThrownBy(() -> EventPipeline.builder(sink).workers(0)).hasMessage("workers: 0 (expected: > 0)");
        assertThatThrownBy(() -> EventPipeline.builder(sink).priorities(Map.of("x", 11)))
                .hasMessage("priorities.x: 11 (expected: 1..10)");
    }
}
