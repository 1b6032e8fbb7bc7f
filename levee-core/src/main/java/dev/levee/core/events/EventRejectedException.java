package dev.levee.core.events;

import dev.levee.core.RejectedException;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * An {@link EventPipeline#submit} that was refused, as a {@link RejectedException}. The pipeline itself answers
 * with an {@link Admission} (a refusal is a normal answer, and a batch has one per event); this is the same
 * answer for code that handles every primitive's "not now" in one place. Suggests 503 (the pipeline is overloaded,
 * its circuit open, its journal full or it is shutting down) with the Retry-After the pipeline estimated from its
 * measured drain rate.
 */
public final class EventRejectedException extends RejectedException {
    private final Admission admission;

    /** @throws IllegalStateException if {@code admission} was accepted */
    public EventRejectedException(Admission admission) {
        super(describe(admission), Duration.ofSeconds(admission.retryAfterSeconds()), null);
        this.admission = admission;
    }

    private static String describe(Admission a) {
        requireNonNull(a, "admission");
        if (a.accepted()) {
            throw new IllegalStateException("admission: accepted as " + a.id() + " (expected: a rejection)");
        }
        return a.reason().code() + " (priority " + a.priority() + ", circuit " + a.state() + ", retry after "
                + a.retryAfterSeconds() + "s)";
    }

    /** The pipeline's answer: priority and circuit state as well as the reason. */
    public Admission admission() {
        return admission;
    }

    @Override
    public RejectReason reason() {
        return admission.reason();
    }

    @Override
    public int suggestedStatus() {
        return 503;
    }
}
