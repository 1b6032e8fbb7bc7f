package dev.levee.core.breaker;

/**
 * Told what an {@link UpstreamBreaker} does that users act on (set with {@link UpstreamBreaker.Builder#listener}).
 * Every method has a no-op default; implement those you need. Called on the thread that made the change (a
 * call's, or the scheduler's for a slow call): keep it short and do not block. An exception it throws is caught
 * and logged once; it never reaches the breaker.
 */
public interface BreakerListener {

    /**
     * The breaker's observable state changed: CLOSED to OPEN (failure or slow-call rate, or an upstream 429 with its
     * Retry-After), OPEN to HALF_OPEN (the open time is up; seen at the first call or state read after it, as
     * the breaker starts no timer of its own), HALF_OPEN to CLOSED or OPEN (the probes decided).
     */
    default void onStateChange(String breaker, BreakerState from, BreakerState to) {}
}
