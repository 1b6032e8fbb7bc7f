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

import java.util.List;
import java.util.Map;

/**
 * A snapshot of an {@link EventPipeline}. Current figures (waiting, active, delayed, dead letters held, circuit)
 * are live; totals are since the last {@link EventPipeline#resetStats()} in {@link EventPipeline#stats()} and
 * since creation in {@link EventPipeline#totals()}.
 *
 * @param rejectedByReason every {@link RejectReason}, in declaration order
 * @param drainPerSecond   events leaving the queue (delivered or dead-lettered) per second, recent window
 * @param stateSinceEpochMillis when the circuit entered its current state
 * @param transitions      the last transitions, oldest first (bounded)
 */
public record EventStats(CircuitState state, long stateSinceEpochMillis, int waiting, int active, int delayed,
                         long accepted, long rejected, Map<RejectReason, Long> rejectedByReason,
                         long completed, long failed, long deadLettered, int deadLetters, long deadLettersEvicted,
                         long replayed, int workers, int busyWorkers, int capacity, Thresholds thresholds,
                         double acceptedPerSecond, double rejectedPerSecond, double drainPerSecond,
                         boolean aboveWarning, boolean accepting, List<CircuitTransition> transitions,
                         long sinceEpochMillis) {

    /** Waiting + active + delayed: the depth the thresholds act on. */
    public int depth() {
        return waiting + active + delayed;
    }
}
