package dev.levee.core.breaker;

import java.time.Duration;

/** The breaker refused the call: open (or half-open with every probe in use). */
public final class BreakerOpenException extends RuntimeException {
    private final Duration retryAfter;
    private final BreakerState state;

    public BreakerOpenException(String name, BreakerState state, Duration retryAfter) {
        super("circuit breaker " + name + " is " + state + "; retry after " + retryAfter.toMillis() + " ms", null,
                false, false);
        this.state = state;
        this.retryAfter = retryAfter;
    }

    /** Time until the breaker lets calls (or probes) through again, as well as it can tell. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public BreakerState state() {
        return state;
    }
}
