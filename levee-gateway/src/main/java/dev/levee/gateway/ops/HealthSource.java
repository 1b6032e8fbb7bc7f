package dev.levee.gateway.ops;

/** A section of {@code GET /health} and a vote in {@code /health/readiness} (every gateway feature is one). */
public interface HealthSource {

    /** The section name in {@code GET /health}, e.g. {@code "admission"}. */
    String name();

    /** This section of {@code GET /health}. */
    HealthReport health();

    /** False while this source cannot take traffic; {@code /health/readiness} is not-ready then. */
    default boolean ready() {
        return true;
    }
}
