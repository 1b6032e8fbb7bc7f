package dev.levee.core.hotspot;

import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A caller was not given a slot: the gateway answers 429 with {@link #retryAfterSeconds()} as Retry-After.
 * Carries no stack trace (it is an expected outcome under load, not a bug).
 */
public final class HotSpotRejectedException extends RuntimeException {

    /** Why a caller was rejected. */
    public enum Reason {
        /** The key's wait queue was full. */
        QUEUE_FULL,
        /** The estimated wait (time until a slot frees + queue position x slot spacing) exceeded max wait. */
        WAIT_TOO_LONG,
        /** The caller waited max wait without getting a slot (the estimate was too low). */
        WAIT_TIMEOUT,
        /** Every key slot of the limiter is active, so this key cannot queue; its window was full. */
        KEYS_EXHAUSTED
    }

    private final String key;
    private final Reason reason;
    private final long retryAfterNanos;

    public HotSpotRejectedException(String key, Reason reason, long retryAfterNanos) {
        super(reason + " for key " + key + ", retry after " + TimeUnit.NANOSECONDS.toMillis(retryAfterNanos) + " ms",
                null, false, false);
        this.key = requireNonNull(key, "key");
        this.reason = requireNonNull(reason, "reason");
        if (retryAfterNanos < 0) {
            throw new IllegalArgumentException("retryAfterNanos: " + retryAfterNanos + " (expected: >= 0)");
        }
        this.retryAfterNanos = retryAfterNanos;
    }

    public String key() {
        return key;
    }

    public Reason reason() {
        return reason;
    }

    /** Time until a slot of the key frees, as known at rejection. */
    public long retryAfterNanos() {
        return retryAfterNanos;
    }

    /** {@link #retryAfterNanos()} rounded up to whole seconds, at least 1 (a Retry-After of 0 invites a spin). */
    public long retryAfterSeconds() {
        long s = (retryAfterNanos + 999_999_999L) / 1_000_000_000L;
        return Math.max(1, s);
    }
}
