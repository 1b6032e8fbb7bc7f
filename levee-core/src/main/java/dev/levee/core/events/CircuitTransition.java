package dev.levee.core.events;

import static java.util.Objects.requireNonNull;

/** One change of the queue circuit: when ({@code Ticker.epochMillis()}), at which depth and why. */
public record CircuitTransition(CircuitState from, CircuitState to, long atEpochMillis, int depth, String reason) {
    public CircuitTransition {
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        requireNonNull(reason, "reason");
    }
}
