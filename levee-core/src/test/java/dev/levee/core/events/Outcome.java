package dev.levee.core.events;

import dev.levee.core.RejectedException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** A submit's outcome, accepted or refused, so tests can assert on either in one line. */
record Outcome(String id, int priority, RejectReason reason, long retryAfterSeconds, CircuitState state) {

    static Outcome of(CompletableFuture<AcceptedEvent> submitted) {
        try {
            AcceptedEvent a = submitted.join();
            return new Outcome(a.id(), a.priority(), null, 0, a.state());
        } catch (CompletionException e) {
            if (e.getCause() instanceof EventRejectedException r) {
                return new Outcome(null, r.priority(), r.reason(), RejectedException.retryAfterSeconds(r.retryAfter()),
                        r.state());
            }
            throw e;
        }
    }

    boolean accepted() {
        return reason == null;
    }
}
