package dev.levee.core.events;

import static java.util.Objects.requireNonNull;

/**
 * An event that could not be delivered: the reason of its last failed attempt and how many attempts it had.
 */
public record DeadLetter(Event event, String reason, int attempts, long deadLetteredEpochMillis) {
    public DeadLetter {
        requireNonNull(event, "event");
        requireNonNull(reason, "reason");
    }
}
