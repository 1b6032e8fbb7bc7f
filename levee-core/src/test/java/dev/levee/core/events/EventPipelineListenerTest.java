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
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The pipeline tells its listener of circuit changes, warning crossings, refusals, dead letters and drains. */
class EventPipelineListenerTest {
    private final ManualTicker time = new ManualTicker();
    private final HeldSink sink = new HeldSink();
    private final List<String> heard = new CopyOnWriteArrayList<>();

    private final EventPipelineListener recording = new EventPipelineListener() {
        @Override
        public void onCircuitTransition(CircuitTransition t, boolean requested) {
            heard.add(t.from() + "->" + t.to() + " at " + t.depth() + (requested ? " requested" : ""));
        }

        @Override
        public void onWarningThreshold(int depth, Thresholds thresholds, boolean reached) {
            heard.add((reached ? "warning reached at " : "warning left at ") + depth);
        }

        @Override
        public void onRejected(EventRejectedException rejection) {
            heard.add("rejected " + rejection.reason().code() + " priority " + rejection.priority());
        }

        @Override
        public void onDeadLettered(Event event, int attempts, String reason) {
            heard.add("dead " + event.type() + " after " + attempts + ": " + reason);
        }

        @Override
        public void onDrainGaveUp(int undelivered, Duration grace) {
            heard.add("drain gave up with " + undelivered + " after " + grace);
        }
    };

    private EventPipeline<String> pipeline(EventSink<Object> sink, EventPipelineListener listener) {
        return EventPipeline.builder(sink)
                .thresholds(new Thresholds(2, 4, 1, 8, Duration.ofSeconds(30)))
                .workers(100).maxAttempts(1).deliveryTimeout(Duration.ofHours(1))
                .listener(listener).ticker(time).scheduler(time)
                .build();
    }

    @Test
    void circuitWarningRejectionAndAResetThatReopensAtOnce() {
        EventPipeline<String> p = pipeline(sink, recording);
        for (int i = 0; i < 4; i++) {
            p.submit("t", 5, null).join();
        }
        assertThat(Outcome.of(p.submit("t", 5, null)).accepted()).isFalse();
        p.resetStats(); // forced CLOSED at depth 4 = critical: open again at once, both requested
        sink.succeedNext();
        sink.succeedNext();
        sink.succeedNext(); // depth 1 = recovery
        assertThat(heard).containsExactly(
                "warning reached at 2",
                "CLOSED->OPEN at 4",
                "rejected circuit_open priority 5",
                "OPEN->CLOSED at 4 requested",
                "CLOSED->OPEN at 4 requested",
                "warning left at 1",
                "OPEN->HALF_OPEN at 1");
    }

    @Test
    void deadLettersAndADrainThatGivesUp() {
        EventPipeline<String> p = pipeline(sink, recording);
        p.submit("poison", 5, null).join();
        p.submit("slow", 5, null).join();
        sink.failNext("sink says no");
        assertThat(p.drain(Duration.ofSeconds(3))).isNotDone();
        time.advance(Duration.ofSeconds(3));
        assertThat(heard).containsExactly(
                "warning reached at 2",
                "dead poison after 1: sink says no",
                "warning left at 1",
                "drain gave up with 1 after PT3S");
    }

    @Test
    void aListenerThatThrowsBreaksNothing() {
        EventPipelineListener broken = new EventPipelineListener() {
            @Override
            public void onCircuitTransition(CircuitTransition t, boolean requested) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void onRejected(EventRejectedException rejection) {
                throw new IllegalStateException("listener bug");
            }
        };
        EventPipeline<String> p = pipeline(sink, broken);
        for (int i = 0; i < 4; i++) {
            assertThat(Outcome.of(p.submit("t", 5, null)).accepted()).isTrue(); // the 4th opens the circuit
        }
        assertThat(p.state()).isEqualTo(CircuitState.OPEN);
        assertThat(Outcome.of(p.submit("t", 5, null)).reason()).isEqualTo(RejectReason.CIRCUIT_OPEN);
        assertThat(Outcome.of(p.submit("t", 5, null)).reason()).isEqualTo(RejectReason.CIRCUIT_OPEN);
        assertThat(p.stats().rejected()).isEqualTo(2);
    }

    @Test
    void theDefaultListenerIsTheLoggingOne() {
        EventPipeline<String> p = EventPipeline.builder((d, payload) -> CompletableFuture.completedFuture(null))
                .ticker(time).scheduler(time).build();
        assertThat(((DefaultEventPipeline<?>) p).listener()).isInstanceOf(LoggingEventPipelineListener.class);
    }
}
