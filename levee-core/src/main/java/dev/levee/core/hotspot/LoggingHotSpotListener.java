package dev.levee.core.hotspot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link HotSpotListener#logging()}: the limiter's log lines. */
final class LoggingHotSpotListener implements HotSpotListener {
    static final LoggingHotSpotListener INSTANCE = new LoggingHotSpotListener();
    private static final Logger log = LoggerFactory.getLogger(HotSpotLimiter.class);

    private LoggingHotSpotListener() {}

    @Override
    public void onAlert(String key, long calls, HotSpotSettings settings) {
        log.warn("hot-spot key {} is near its limit: {} of {} calls in {} (alert at {} %)", key, calls,
                settings.limit(), settings.window(), Math.round(settings.alertThreshold() * 100));
    }
}
