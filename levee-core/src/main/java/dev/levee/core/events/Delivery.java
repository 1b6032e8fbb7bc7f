package dev.levee.core.events;

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
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt: " + attempt + " (expected: >= 1)");
        }
    }
}
