package dev.levee.core.hotspot;

/**
 * Told what a {@link HotSpotLimiter} does that users act on (set with {@link HotSpotLimiter.Builder#listener}).
 * Every method has a no-op default; implement those you need. The default listener is {@link #logging()}. Called
 * on the thread that decided (a caller's, the scheduler's, or the one completing a window store's answer),
 * outside the limiter's locks: keep it short and do not block. An exception it throws is caught and logged once;
 * it never reaches the limiter.
 */
public interface HotSpotListener {

    /** A caller was rejected (queue full, estimated wait too long, waited its max wait, or no key state left). */
    default void onRejected(HotSpotRejectedException rejection) {}

    /**
     * A grant took {@code key} to the alert threshold ({@link HotSpotSettings#alertThreshold()} of the limit):
     * told once per key until its count falls below it again.
     *
     * @param calls the key's calls in the current window, this one included
     */
    default void onAlert(String key, long calls, HotSpotSettings settings) {}

    /** Logs each alert at WARN, as the limiter always has; rejections are counted, not logged. */
    static HotSpotListener logging() {
        return LoggingHotSpotListener.INSTANCE;
    }
}
