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
package dev.levee.core.hotspot;

import static dev.levee.core.internal.Arguments.nonNegative;

/**
 * One answer of a {@link WindowStore}.
 *
 * @param allowed         true if the call was recorded (the caller now holds a slot)
 * @param count           calls in the window after this decision (including in-flight ones)
 * @param retryAfterNanos when denied: time until the earliest slot frees, as the store knows it (> 0);
 *                        0 when allowed
 * @param callId          the store's id of the recorded call, passed back to {@link WindowStore#callEnded} and
 *                        {@link WindowStore#refund} (0 when the store does not need one)
 */
public record WindowDecision(boolean allowed, int count, long retryAfterNanos, long callId) {
    public WindowDecision {
        nonNegative("count", count);
        nonNegative("retryAfterNanos", retryAfterNanos);
    }
}
