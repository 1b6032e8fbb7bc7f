package dev.levee.core.hotspot;

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
        if (count < 0) {
            throw new IllegalArgumentException("count: " + count + " (expected: >= 0)");
        }
        if (retryAfterNanos < 0) {
            throw new IllegalArgumentException("retryAfterNanos: " + retryAfterNanos + " (expected: >= 0)");
        }
    }
}
