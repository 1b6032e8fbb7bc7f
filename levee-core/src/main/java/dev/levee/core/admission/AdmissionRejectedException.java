package dev.levee.core.admission;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Completes a waiter's future when the request is shed. Carries what the client must be told: the reason, the
 * class, and when to retry. Stackless: shedding is a normal, frequent outcome under load, not a bug.
 */
public final class AdmissionRejectedException extends RuntimeException {
    private final ShedReason reason;
    private final String admissionClass;
    private final Duration retryAfter;

    public AdmissionRejectedException(ShedReason reason, String admissionClass, Duration retryAfter) {
        super(requireNonNull(reason, "reason").label() + " (class " + admissionClass + ", retry after "
                + retryAfter.toSeconds() + "s)", null, false, false);
        this.reason = reason;
        this.admissionClass = requireNonNull(admissionClass, "admissionClass");
        this.retryAfter = requireNonNull(retryAfter, "retryAfter");
    }

    public ShedReason reason() {
        return reason;
    }

    public String admissionClass() {
        return admissionClass;
    }

    /** Whole seconds, at least one. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** {@link #retryAfter()} in seconds, as Retry-After wants it. */
    public long retryAfterSeconds() {
        return retryAfter.toSeconds();
    }
}
