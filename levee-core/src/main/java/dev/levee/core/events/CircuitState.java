package dev.levee.core.events;

/**
 * The queue circuit. The {@link #code()} is what the Prometheus gauge shows.
 */
public enum CircuitState {
    /** Normal: every priority accepted (low priority shed from 80 % of critical). */
    CLOSED(0),
    /** Recovering: priorities 1 to {@link Event#NORMAL_PRIORITY} (5) accepted. */
    HALF_OPEN(1),
    /** Protecting: only {@link Event#CRITICAL_PRIORITY} accepted. */
    OPEN(2);

    private final int code;

    CircuitState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
