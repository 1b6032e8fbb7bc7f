/*
 * Copyright 2026 The Levee Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package dev.levee.gateway.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.levee.gateway.config.ConfigIdentity;
import dev.levee.gateway.http.JsonResponses;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Health and metrics endpoints. They bypass authentication and admission, so they answer while the gateway is
 * shedding load; all but the probes belong to the admin surface (see {@code GatewayServer}).
 */
public final class OpsEndpoints {
    static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final List<? extends HealthSource> features;
    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier accepting;
    private final Supplier<ConfigIdentity> config;

    /** {@code config}: the identity of the config the gateway runs now (a reload changes it). */
    public OpsEndpoints(List<? extends HealthSource> features, PrometheusMeterRegistry registry, BooleanSupplier accepting,
                        Supplier<ConfigIdentity> config) {
        this.features = features;
        this.registry = registry;
        this.accepting = accepting;
        this.config = config;
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

    /** A section as JSON: its status first, then its figures (the details record's components). */
    public static ObjectNode render(HealthReport report) {
        ObjectNode out = JsonResponses.MAPPER.createObjectNode();
        out.put("status", report.status().name());
        JsonNode details = JsonResponses.MAPPER.valueToTree(report.details());
        if (!(details instanceof ObjectNode fields)) {
            throw new IllegalArgumentException("details: " + report.details() + " (expected: a record or a map)");
        }
        out.setAll(fields);
        return out;
    }

    /** Sends one section, as the per-capability endpoints do (503 when the section is DOWN). */
    public static void sendSection(RoutingContext ctx, HealthReport report) {
        JsonResponses.send(ctx, report.status() == HealthStatus.DOWN ? 503 : 200, render(report));
    }

    private void health(RoutingContext ctx) {
        HealthStatus overall = accepting.getAsBoolean() ? HealthStatus.UP : HealthStatus.DOWN;
        Map<String, ObjectNode> sections = new LinkedHashMap<>();
        for (HealthSource f : features) {
            HealthReport r = f.health();
            overall = overall.worst(r.status());
            sections.put(f.name(), render(r));
        }
        BuildInfo build = BuildInfo.current();
        JsonResponses.send(ctx, overall == HealthStatus.DOWN ? 503 : 200, new Health(overall.name(),
                build.version(), build.commit(), ManagementFactory.getRuntimeMXBean().getUptime() / 1000, sections,
                config.get()));
    }

    /**
     * {@code GET /health}: the overall status (the worst section's), the build ({@link BuildInfo}), every
     * feature's section by name, and which config runs ({@code config.hash}, as {@code levee validate} prints it,
     * and {@code config.loaded_at}).
     */
    record Health(String status, String version, String commit, long uptimeSeconds,
                  Map<String, ObjectNode> components, ConfigIdentity config) {}

    /** {@code GET /health/readiness} (reasons by feature, only when not ready) and {@code /health/liveness}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Probe(String status, Map<String, String> reasons) {}

    private void liveness(RoutingContext ctx) {
        JsonResponses.send(ctx, 200, new Probe("UP", null));
    }

    private void readiness(RoutingContext ctx) {
        Map<String, String> notReady = new LinkedHashMap<>();
        if (!accepting.getAsBoolean()) {
            notReady.put("server", "shutting down");
        }
        for (HealthSource f : features) {
            if (!f.ready()) {
                notReady.put(f.name(), f.health().status().name());
            }
        }
        if (notReady.isEmpty()) {
            JsonResponses.send(ctx, 200, new Probe("READY", null));
        } else {
            JsonResponses.send(ctx, 503, new Probe("NOT_READY", notReady));
        }
    }

    private void metrics(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", PROMETHEUS_CONTENT_TYPE).end(registry.scrape());
    }
}
