package dev.levee.core.events;

import static java.util.Objects.requireNonNull;

/**
 * An event {@link EventPipeline#submit} accepted: it is queued (and, with a durable queue, stored) and will be
 * delivered at least once or dead-lettered. A refusal fails the submit's future with an
 * {@link EventRejectedException} instead.
 *
 * @param id       unique within the pipeline that accepted it
 * @param priority the priority it was accepted with, 1 (most urgent) .. {@link Event#LOWEST_PRIORITY}
 * @param state    the circuit state the decision was taken in
 */
public record AcceptedEvent(String id, int priority, CircuitState state) {
    public AcceptedEvent {
        requireNonNull(id, "id");
        requireNonNull(state, "state");
    }
}
