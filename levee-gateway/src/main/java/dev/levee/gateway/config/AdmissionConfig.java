package dev.levee.gateway.config;

import java.time.Duration;

/**
 * {@code admission:} priority admission and load shedding. {@code retry-after} set makes Retry-After fixed;
 * unset, it is computed from each class's measured drain rate, capped by {@code retry-after-max}.
 */
public record AdmissionConfig(boolean enabled, int maxConcurrent, int queueCapacity, Duration maxWait,
                              Duration retryAfter, Duration retryAfterMax) {
    public AdmissionConfig {
        Checks.positive("max-concurrent", maxConcurrent);
        Checks.positive("queue-capacity", queueCapacity);
        Checks.positive("max-wait", maxWait);
        if (retryAfter != null) {
            Checks.positive("retry-after", retryAfter);
        }
        Checks.positive("retry-after-max", retryAfterMax);
    }
}
