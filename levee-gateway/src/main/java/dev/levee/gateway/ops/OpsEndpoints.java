package dev.levee.gateway.ops;

import dev.levee.gateway.GatewayFeature;
import dev.levee.gateway.http.JsonResponses;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Health and metrics endpoints. They bypass authentication and admission, so they answer while the gateway is
 * shedding load; all but the probes belong to the admin surface (see {@code GatewayServer}).
 */
public final class OpsEndpoints {
    static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final List<GatewayFeature> features;
    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier accepting;

    public OpsEndpoints(List<GatewayFeature> features, PrometheusMeterRegistry registry, BooleanSupplier accepting) {
        this.features = features;
        this.registry = registry;
        this.accepting = accepting;
    }

    /** The Kubernetes probes: served on every listener, to anyone. */
    public void mountProbes(Router router) {
        for (String prefix : List.of("/health", "/api/v1/health")) {
            router.get(prefix + "/liveness").handler(this::liveness);
            router.get(prefix + "/readiness").handler(this::readiness);
        }
    }

    /** The overall health and the metrics: part of the admin surface. */
    public void mount(Router router) {
        for (String prefix : List.of("/health", "/api/v1/health")) {
            router.get(prefix).handler(this::health);
        }
        router.get("/metrics").handler(this::metrics);
        router.get("/api/v1/metrics/prometheus").handler(this::metrics);
    }

    /** A section as JSON: its status first, then its figures. */
    public static Map<String, Object> render(HealthReport report) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", report.status().name());
        out.putAll(report.details());
        return out;
    }

    /** Sends one section, as the per-capability endpoints do (503 when the section is DOWN). */
    public static void sendSection(RoutingContext ctx, HealthReport report) {
        JsonResponses.send(ctx, report.status() == HealthStatus.DOWN ? 503 : 200, render(report));
    }

    private void health(RoutingContext ctx) {
        HealthStatus overall = accepting.getAsBoolean() ? HealthStatus.UP : HealthStatus.DOWN;
        Map<String, Object> sections = new LinkedHashMap<>();
        for (GatewayFeature f : features) {
            HealthReport r = f.health();
            overall = overall.worst(r.status());
            sections.put(f.name(), render(r));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", overall.name());
        body.put("uptime_seconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
        body.put("components", sections);
        JsonResponses.send(ctx, overall == HealthStatus.DOWN ? 503 : 200, body);
    }

    private void liveness(RoutingContext ctx) {
        JsonResponses.send(ctx, 200, Map.of("status", "UP"));
    }

    private void readiness(RoutingContext ctx) {
        Map<String, Object> notReady = new LinkedHashMap<>();
        if (!accepting.getAsBoolean()) {
            notReady.put("server", "shutting down");
        }
        for (GatewayFeature f : features) {
            if (!f.ready()) {
                notReady.put(f.name(), f.health().status().name());
            }
        }
        if (notReady.isEmpty()) {
            JsonResponses.send(ctx, 200, Map.of("status", "READY"));
        } else {
            JsonResponses.send(ctx, 503, Map.of("status", "NOT_READY", "reasons", notReady));
        }
    }

    private void metrics(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", PROMETHEUS_CONTENT_TYPE).end(registry.scrape());
    }
}
