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

import java.time.Duration;

/**
 * Told what an {@link EventPipeline} does that users act on (set with {@link EventPipeline.Builder#listener}).
 * Every method has a no-op default; implement those you need. The default listener is {@link #logging()}, the
 * pipeline's log lines. Called on the thread that caused the event (a submitter's, a delivery's, the scheduler's,
 * or the queue executor's): keep it short and do not block. An exception it throws is caught and logged once; it
 * never reaches the pipeline.
 */
public interface EventPipelineListener {

    /**
     * The queue circuit changed state.
     *
     * @param requested true when an operator asked for it: {@link EventPipeline#resetStats()} forcing CLOSED, and
     *                  the re-evaluation right after it (a queue still at critical depth opens again at once); not
     *                  an alarm, so the default listener does not log it as one
     */
    default void onCircuitTransition(CircuitTransition transition, boolean requested) {}

    /**
     * The queue depth reached the warning threshold ({@code reached} true), or fell back below it.
     *
     * @param depth the depth observed
     */
    default void onWarningThreshold(int depth, Thresholds thresholds, boolean reached) {}

    /** An event was refused (the submit's future fails with the same exception). */
    default void onRejected(EventRejectedException rejection) {}

    /**
     * An event failed its last attempt (or its payload could not be decoded) and was moved to the dead letters.
     *
     * @param attempts the attempts made
     * @param reason   the last attempt's failure
     */
    default void onDeadLettered(Event event, int attempts, String reason) {}

    /** {@link EventPipeline#drain} gave up after {@code grace} with {@code undelivered} events still queued. */
    default void onDrainGaveUp(int undelivered, Duration grace) {}

    /**
     * The pipeline's log lines: circuit OPEN at ERROR (WARN right after an operator's reset), HALF_OPEN and the
     * warning threshold at WARN, CLOSED at INFO, dead letters at WARN (at most one line a second, counting the
     * rest), a drain that gave up at WARN. Refusals are counted in the stats, not logged.
     */
    static EventPipelineListener logging() {
        return new LoggingEventPipelineListener();
    }
}
