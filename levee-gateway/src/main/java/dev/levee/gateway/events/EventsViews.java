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
package dev.levee.gateway.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.levee.core.events.CircuitTransition;
import dev.levee.core.events.DeadLetter;
import dev.levee.core.events.EventStats;
import dev.levee.core.events.Thresholds;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The event queue's status documents as immutable records, built from core's {@link EventStats} and written by
 * {@code JsonResponses} in snake_case: the {@code events} section of {@code /health}, the queue metrics and
 * summary, the stats reset answer, and the dead-letter listing and replay answer.
 */
final class EventsViews {
    private EventsViews() {}

    /** The {@code events} section with events disabled. */
    record Disabled(boolean enabled) {}

    /** The {@code events} section: circuit, depth and what is accepted now, and the journal when there is one. */
    record Health(String circuit, long circuitSince, int depth, int capacity, boolean aboveWarning,
                  String acceptingPriorities, int deadLetters, boolean accepting,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Journal journal) {}

    /** The local event journal: where, how it syncs, what it holds and may hold. */
    record Journal(String dir, String fsync, int events, long bytes, long maxBytes) {}

    /** {@code GET /api/v1/metrics/queue}: every counter, the circuit with its transitions, thresholds and rates. */
    record QueueMetrics(int waiting, int active, long completed, long failed, int delayed, long deadLettered,
                        int deadLetters, long deadLettersEvicted, long replayed, int depth, long accepted,
                        Map<String, Long> rejected, Workers workers, int capacity, double utilization,
                        Circuit circuit, ThresholdsView thresholds, Rates rates, long since) {
        static QueueMetrics of(EventStats s, String acceptingPriorities) {
            Map<String, Long> rejected = new LinkedHashMap<>(); // the total, then each reason's code
            rejected.put("total", s.rejected());
            s.rejectedByReason().forEach((r, n) -> rejected.put(r.code(), n));
            List<Transition> transitions = new ArrayList<>();
            for (CircuitTransition t : s.transitions()) {
                transitions.add(new Transition(t.from().name(), t.to().name(), t.atEpochMillis(), t.depth(),
                        t.reason()));
            }
            Thresholds t = s.thresholds();
            return new QueueMetrics(s.waiting(), s.active(), s.completed(), s.failed(), s.delayed(),
                    s.deadLettered(), s.deadLetters(), s.deadLettersEvicted(), s.replayed(), s.depth(), s.accepted(),
                    rejected, new Workers(s.workers(), s.busyWorkers()), s.capacity(), utilizationOf(s),
                    new Circuit(s.state().name(), s.stateSinceEpochMillis(), acceptingPriorities, transitions),
                    new ThresholdsView(t.warning(), t.critical(), t.recovery(), t.lowPriorityDropAt(),
                            t.reopenAbove(), t.stablePeriod().toMillis() / 1000.0, s.aboveWarning()),
                    new Rates(round(s.acceptedPerSecond()), round(s.rejectedPerSecond()), round(s.drainPerSecond())),
                    s.sinceEpochMillis());
        }
    }

    record Workers(int configured, int busy) {}

    record Circuit(String state, long since, String acceptingPriorities, List<Transition> transitions) {}

    record Transition(String from, String to, long at, int depth, String reason) {}

    record ThresholdsView(int warning, int critical, int recovery, int lowPriorityDropAt, int halfOpenReopenAbove,
                          double stablePeriodSeconds, boolean aboveWarning) {}

    record Rates(double acceptedPerSecond, double rejectedPerSecond, double drainPerSecond) {}

    /** {@code GET /api/v1/metrics/queue/summary}: the figures a dashboard tile needs. */
    record Summary(String circuit, int depth, int waiting, int active, int delayed, int deadLetters, int capacity,
                   double utilization, String acceptingPriorities, double drainPerSecond) {
        static Summary of(EventStats s, String acceptingPriorities) {
            return new Summary(s.state().name(), s.depth(), s.waiting(), s.active(), s.delayed(), s.deadLetters(),
                    s.capacity(), utilizationOf(s), acceptingPriorities, round(s.drainPerSecond()));
        }
    }

    /** The stats reset answer: {@code reset: true}, then the summary after the reset. */
    record Reset(boolean reset, @JsonUnwrapped Summary summary) {}

    /** {@code GET /api/v1/events/dead-letters}: how many there are, how many are listed, and the list. */
    record DeadLetters(int count, int returned, long deadLetteredTotal, List<DeadLetterView> deadLetters) {}

    /** One dead letter; the payload is the event's JSON as it was accepted (null when it had none). */
    record DeadLetterView(String id, String type, int priority, String reason, int attempts, long createdAt,
                          long deadLetteredAt, RawValue payload) {
        static DeadLetterView of(DeadLetter d) {
            return new DeadLetterView(d.event().id(), d.event().type(), d.event().priority(), d.reason(),
                    d.attempts(), d.event().createdEpochMillis(), d.deadLetteredEpochMillis(),
                    d.event().payload() == null ? null : new RawValue(d.event().payload()));
        }
    }

    /** The replay answer: what was queued again and the dead letters left. */
    record Replayed(int replayed, List<String> ids, int deadLetters) {}

    private static double utilizationOf(EventStats s) {
        return round(s.depth() / (double) s.thresholds().critical());
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
