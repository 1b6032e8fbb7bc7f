package dev.levee.gateway.config;

import java.time.Duration;
import java.util.Map;

/** {@code events:} event ingestion with queue-depth backpressure. */
public record EventsConfig(boolean enabled, String sink, int warningThreshold, int criticalThreshold,
                           int recoveryThreshold, int capacity, Duration stablePeriod, int defaultPriority,
                           Map<String, Integer> priorities, int workers, int maxAttempts, ByteSize maxBodySize,
                           int maxBatch) {
    public EventsConfig {
        Checks.positive("warning-threshold", warningThreshold);
        Checks.positive("critical-threshold", criticalThreshold);
        Checks.positive("recovery-threshold", recoveryThreshold);
        if (!(recoveryThreshold < warningThreshold && warningThreshold < criticalThreshold)) {
            throw new ConfigException("thresholds: recovery " + recoveryThreshold + ", warning " + warningThreshold
                    + ", critical " + criticalThreshold + " (expected: recovery < warning < critical)");
        }
        Checks.nonNegative("capacity", capacity); // 0 = 2 x critical-threshold
        Checks.nonNegative("stable-period", stablePeriod);
        Checks.inRange("default-priority", defaultPriority, 1, 10);
        priorities = priorities == null ? Map.of() : Map.copyOf(priorities);
        priorities.forEach((type, p) -> Checks.inRange("priorities." + type, p == null ? 0 : p, 1, 10));
        Checks.positive("workers", workers);
        Checks.positive("max-attempts", maxAttempts);
        Checks.positive("max-body-size", Checks.required("max-body-size", maxBodySize).bytes());
        Checks.positive("max-batch", maxBatch);
    }

    /** The hard capacity: {@code capacity}, or 2 x critical when unset. */
    public int effectiveCapacity() {
        return capacity > 0 ? capacity : 2 * criticalThreshold;
    }
}
