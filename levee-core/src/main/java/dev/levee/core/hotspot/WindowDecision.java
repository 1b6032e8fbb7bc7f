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
