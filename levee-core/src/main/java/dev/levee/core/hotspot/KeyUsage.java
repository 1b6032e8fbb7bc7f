package dev.levee.core.hotspot;

/**
 * One key of the top view.
 *
 * @param callsPerMinute      upstream calls per minute, estimated by the heavy-hitter sketch (sliding over the
 *                            last two minutes)
 * @param callsPerMinuteError the sketch's maximum overestimate for this key
 * @param callsInWindow       calls counted in the key's window now (in flight + ended within the window)
 * @param usagePercent        {@code callsInWindow / limit x 100}
 * @param queueDepth          callers waiting for a slot now
 * @param rejected            callers rejected (429) for this key while it was tracked
 * @param alerting            at or above the alert threshold now
 */
public record KeyUsage(String key, double callsPerMinute, double callsPerMinuteError, int callsInWindow, int limit,
                       double usagePercent, int queueDepth, long rejected, boolean alerting) {}
