package dev.levee.gateway.ops;

/** Health of one capability or the whole gateway; the overall status is the worst of its sections. */
public enum HealthStatus {
    /** Working as configured. */
    UP,
    /** Serving, but protecting itself or running on a fallback (shedding, circuit half-open, Redis fallback). */
    DEGRADED,
    /** Not serving this capability (circuit open, upstream breaker open with nothing stale). */
    DOWN;

    public HealthStatus worst(HealthStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
