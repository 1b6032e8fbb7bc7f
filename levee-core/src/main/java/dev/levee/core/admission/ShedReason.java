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

import dev.levee.core.RejectionReason;

/** Why {@link PriorityAdmission} turned a request away; {@link #code()} is the metrics/JSON spelling. */
public enum ShedReason implements RejectionReason {
    /** Its class queue (and every lower class) had no room when it arrived. */
    QUEUE_FULL("queue_full"),
    /** It was the newest queued request of the lowest class when a higher-class request needed the room. */
    PUSHED_OUT("pushed_out"),
    /** It waited longer than its max wait. */
    TIMEOUT("timeout");

    private final String label;

    ShedReason(String label) {
        this.label = label;
    }

    /** The same as {@link #code()}. */
    public String label() {
        return label;
    }

    @Override
    public String code() {
        return label;
    }
}
