package dev.levee.core.time;

/**
 * The one time source every Levee component reads. Production code uses {@link #system()}; tests inject a
 * {@link ManualTicker} and move time forward explicitly, so no test sleeps waiting for time to pass.
 */
public interface Ticker {

    /** Monotonic nanoseconds, for durations and deadlines only (like {@link System#nanoTime()}). */
    long read();

    /** Wall-clock milliseconds since the epoch, for timestamps shown to people. */
    long epochMillis();

    /** The system ticker: {@link System#nanoTime()} and {@link System#currentTimeMillis()}. */
    static Ticker system() {
        return SystemTicker.INSTANCE;
    }
}
