package dev.levee.core.events;

/**
 * The answer to one {@link EventPipeline#submit}: accepted with an id, or rejected with a reason and a
 * Retry-After estimate from the measured drain rate. A rejection as an exception (for code that handles every
 * primitive's "not now" in one place) is {@code new EventRejectedException(admission)}.
 *
 * @param id                null when rejected
 * @param reason            null when accepted
 * @param retryAfterSeconds 0 when accepted; else >= 1
 * @param state             the circuit state the decision was taken in
 */
public record Admission(String id, int priority, RejectReason reason, long retryAfterSeconds, CircuitState state) {

    public boolean accepted() {
        return reason == null;
    }
}
