package dev.levee.core.hotspot;

/** The tests describe limiters as {@link HotSpotSettings} values; this turns one into a builder. */
final class Limiters {
    private Limiters() {}

    static HotSpotLimiter.Builder builder(HotSpotSettings s) {
        return HotSpotLimiter.builder()
                .limit(s.limit()).window(s.window()).queueCapacity(s.queueCapacity()).maxWait(s.maxWait())
                .maxKeys(s.maxKeys()).alertThreshold(s.alertThreshold()).topKeys(s.topKeys());
    }
}
