package dev.levee.core.breaker;

/** The states a caller can observe. */
public enum BreakerState {
    /** Calls pass; outcomes are recorded in the sliding window. */
    CLOSED,
    /** Calls are refused until the open time (or the upstream's Retry-After) has passed. */
    OPEN,
    /** A fixed number of probe calls pass; their outcomes decide between CLOSED and OPEN. */
    HALF_OPEN
}
