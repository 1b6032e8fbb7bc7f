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

import dev.levee.core.RejectionReason;

/** Why an event was not accepted. {@link #code()} is the stable name used in responses and metric labels. */
public enum RejectReason implements RejectionReason {
    /** Circuit OPEN: only priority 1 is accepted. */
    CIRCUIT_OPEN("circuit_open"),
    /** Circuit HALF_OPEN: low priority is refused until the queue has been stable. */
    CIRCUIT_HALF_OPEN("circuit_half_open"),
    /** Depth at or past 80 % of critical: low priority is dropped first. */
    LOW_PRIORITY_SHED("low_priority_shed"),
    /** The hard capacity is reached: nothing, not even priority 1, fits. */
    CAPACITY_FULL("capacity_full"),
    /** The event journal is at its size bound (or cannot be written): the event could not be made durable. */
    JOURNAL_FULL("journal_full"),
    /** The pipeline is draining for shutdown. */
    SHUTTING_DOWN("shutting_down");

    private final String code;

    RejectReason(String code) {
        this.code = code;
    }

    @Override
    public String code() {
        return code;
    }
}
