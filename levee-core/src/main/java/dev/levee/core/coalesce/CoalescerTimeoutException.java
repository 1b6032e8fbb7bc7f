package dev.levee.core.coalesce;

import java.time.Duration;

/** One caller waited longer than its max wait; the shared fetch goes on for the others. */
public final class CoalescerTimeoutException extends RuntimeException {
    private final Duration maxWait;

    public CoalescerTimeoutException(Object key, Duration maxWait) {
        super("waited " + maxWait.toMillis() + " ms for key " + key, null, false, false);
        this.maxWait = maxWait;
    }

    public Duration maxWait() {
        return maxWait;
    }
}
