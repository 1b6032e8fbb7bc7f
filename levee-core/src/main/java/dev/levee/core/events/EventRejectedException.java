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

import dev.levee.core.RejectedException;

import java.time.Duration;

import static dev.levee.core.internal.Arguments.atLeast;
import static java.util.Objects.requireNonNull;

/**
 * An {@link EventPipeline#submit} that was refused: the submit's future fails with it. Suggests 503 (the pipeline
 * is overloaded, its circuit open, its journal full or it is shutting down) with the Retry-After the pipeline
 * estimated from its measured drain rate.
 */
public final class EventRejectedException extends RejectedException {
    private final RejectReason reason;
    private final int priority;
    private final CircuitState state;

    /**
     * @param priority          the priority of the refused event
     * @param state             the circuit state the decision was taken in
     * @param retryAfterSeconds the pipeline's estimate (at least 1)
     */
    public EventRejectedException(RejectReason reason, int priority, CircuitState state, long retryAfterSeconds) {
        super(requireNonNull(reason, "reason").code() + " (priority " + priority + ", circuit "
                + requireNonNull(state, "state") + ", retry after " + retryAfterSeconds + "s)",
                Duration.ofSeconds(checkRetryAfter(retryAfterSeconds)), null);
        this.reason = reason;
        this.priority = Event.checkPriority("priority", priority);
        this.state = state;
    }

    private static long checkRetryAfter(long seconds) {
        return atLeast("retryAfterSeconds", seconds, 1);
    }

    @Override
    public RejectReason reason() {
        return reason;
    }

    /** The priority of the refused event. */
    public int priority() {
        return priority;
    }

    /** The circuit state the decision was taken in. */
    public CircuitState state() {
        return state;
    }

    @Override
    public int suggestedStatus() {
        return 503;
    }
}
