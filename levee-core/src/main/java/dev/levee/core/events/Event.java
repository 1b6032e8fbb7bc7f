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

import static dev.levee.core.internal.Arguments.inRange;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * One accepted event. {@code payload} is opaque text (the gateway stores the JSON it received), so a durable
 * queue can store it as is.
 *
 * @param id               unique within the pipeline that accepted it
 * @param type             the event type, which decided the priority
 * @param priority         1 (most urgent) .. {@link #LOWEST_PRIORITY}
 * @param payload          opaque text, or null for none
 * @param createdEpochMillis when it was accepted ({@code Ticker.epochMillis()})
 */
public record Event(String id, String type, int priority, @Nullable String payload, long createdEpochMillis) {
    /** Priority 1: accepted even while the queue circuit is OPEN. */
    public static final int CRITICAL_PRIORITY = 1;
    /** Priority 5, the default: the least urgent priority a HALF_OPEN circuit still accepts. */
    public static final int NORMAL_PRIORITY = 5;
    /** Priorities at or past this are "low": dropped first, at 80 % of critical. */
    public static final int LOW_PRIORITY = 10;
    /** The largest priority value (the least urgent). */
    public static final int LOWEST_PRIORITY = 10;

    public Event {
        requireNonNull(id, "id");
        requireNonNull(type, "type");
        checkPriority("priority", priority);
    }

    static int checkPriority(String name, int priority) {
        return inRange(name, priority, CRITICAL_PRIORITY, LOWEST_PRIORITY);
    }
}
