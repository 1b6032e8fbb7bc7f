package dev.levee.gateway.ops;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/** One section of {@code GET /health}: a status and the capability's figures (rendered as JSON). */
public record HealthReport(HealthStatus status, Map<String, Object> details) {
    public HealthReport {
        requireNonNull(status, "status");
        details = details == null ? Map.of() : details;
    }

    public static HealthReport up(Map<String, Object> details) {
        return new HealthReport(HealthStatus.UP, details);
    }
}
