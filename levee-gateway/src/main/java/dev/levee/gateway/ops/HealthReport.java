package dev.levee.gateway.ops;

import static java.util.Objects.requireNonNull;

/**
 * One section of {@code GET /health}: a status and the capability's figures, an immutable view record of the
 * feature (rendered as JSON after the status, its components in snake_case; see {@code JsonResponses.MAPPER}).
 *
 * @param status  the section's health
 * @param details the figures: a record whose components become the section's fields
 */
public record HealthReport(HealthStatus status, Object details) {
    public HealthReport {
        requireNonNull(status, "status");
        requireNonNull(details, "details");
    }

    public static HealthReport up(Object details) {
        return new HealthReport(HealthStatus.UP, details);
    }
}
