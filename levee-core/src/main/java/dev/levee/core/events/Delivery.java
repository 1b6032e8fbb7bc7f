package dev.levee.core.events;

import static dev.levee.core.internal.Arguments.atLeast;
import static java.util.Objects.requireNonNull;

/**
 * An event claimed from an {@link EventQueue} for one delivery attempt. The claimer must end it with exactly one
 * of {@link EventQueue#ack}, {@link EventQueue#retryLater} or {@link EventQueue#deadLetter}.
 *
 * @param attempt 1 for the first attempt, counting every attempt since the event was accepted (or replayed)
 */
public record Delivery(Event event, int attempt) {
    public Delivery {
        requireNonNull(event, "event");
        atLeast("attempt", attempt, 1);
    }
}
