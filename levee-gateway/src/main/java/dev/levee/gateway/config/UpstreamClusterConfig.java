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
package dev.levee.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One entry of {@code upstreams:}, a named cluster: its endpoints, how requests are spread over them, how an endpoint
 * is found broken (active health checks, passive outlier ejection) and how much a failed connect may be retried.
 * Keys it leaves out come from {@code levee-upstream-defaults.yaml}, and its timeouts and pool limits from
 * {@code upstream:}.
 *
 * @param endpoints      base URLs ({@code http://} or {@code https://}, optionally with a path prefix); at least one
 * @param balancer       {@code round-robin} or {@code least-requests}
 * @param maxConnections pooled connections to each endpoint
 * @param maxInFlight    requests at this cluster at once; more get 503 + Retry-After at once
 */
public record UpstreamClusterConfig(List<String> endpoints, String balancer, Duration timeout,
                                    Duration connectTimeout, int maxConnections, int maxInFlight,
                                    UpstreamConfig.Tls tls, HealthCheck healthCheck, Outlier outlier, Retry retry) {
    public static final String ROUND_ROBIN = "round-robin";
    public static final String LEAST_REQUESTS = "least-requests";

    public UpstreamClusterConfig {
        Checks.required("endpoints", endpoints);
        if (endpoints.isEmpty()) {
            throw new ConfigException("endpoints: [] (expected: at least one http:// or https:// URL)");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < endpoints.size(); i++) {
            URI uri = UpstreamConfig.checkUrl("endpoints[" + i + "]", endpoints.get(i));
            if (!seen.add(uri.getHost() + ":" + port(uri))) {
                throw new ConfigException("endpoints[" + i + "]: '" + endpoints.get(i)
                        + "' (expected: each host and port once)");
            }
        }
        endpoints = List.copyOf(endpoints);
        Checks.required("balancer", balancer);
        if (!ROUND_ROBIN.equals(balancer) && !LEAST_REQUESTS.equals(balancer)) {
            throw new ConfigException("balancer: '" + balancer + "' (expected: " + ROUND_ROBIN + " or "
                    + LEAST_REQUESTS + ")");
        }
        Checks.positive("timeout", timeout);
        Checks.positive("connect-timeout", connectTimeout);
        Checks.positive("max-connections", maxConnections);
        Checks.inRange("max-in-flight", maxInFlight, 1, 100_000);
        tls = tls == null ? UpstreamConfig.Tls.DEFAULT : tls;
        Checks.required("health-check", healthCheck);
        Checks.required("outlier", outlier);
        Checks.required("retry", retry);
    }

    /** The legacy {@code upstream:} block as a cluster: its one URL, no health checks, ejection or retries. */
    public static UpstreamClusterConfig of(UpstreamConfig legacy) {
        return new UpstreamClusterConfig(List.of(legacy.url()), ROUND_ROBIN, legacy.timeout(),
                legacy.connectTimeout(), legacy.maxConnections(), legacy.maxInFlight(), legacy.tls(),
                HealthCheck.OFF, Outlier.OFF, Retry.NONE);
    }

    static int port(URI uri) {
        return uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }

    /**
     * {@code health-check:} an active check of every endpoint each {@code interval}: a GET of {@code path} answered
     * 2xx within {@code timeout} passes. {@code unhealthy-threshold} failures in a row take an endpoint out of the
     * balancer, {@code healthy-threshold} passes in a row bring it back.
     */
    public record HealthCheck(boolean enabled, String path, Duration interval, Duration timeout,
                              int unhealthyThreshold, int healthyThreshold) {
        static final HealthCheck OFF = new HealthCheck(false, "/", Duration.ofSeconds(5), Duration.ofSeconds(1), 1, 1);

        public HealthCheck {
            Checks.required("path", path);
            if (!path.startsWith("/")) {
                throw new ConfigException("path: '" + path + "' (expected: a path starting with /)");
            }
            Checks.positive("interval", interval);
            Checks.positive("timeout", timeout);
            Checks.positive("unhealthy-threshold", unhealthyThreshold);
            Checks.positive("healthy-threshold", healthyThreshold);
        }
    }

    /**
     * {@code outlier:} passive ejection: {@code consecutive-failures} answers in a row that are 5xx, connect failures
     * or timeouts take an endpoint out of the balancer for {@code ejection-time}.
     */
    public record Outlier(boolean enabled, int consecutiveFailures, Duration ejectionTime) {
        static final Outlier OFF = new Outlier(false, 1, Duration.ofSeconds(1));

        public Outlier {
            Checks.positive("consecutive-failures", consecutiveFailures);
            Checks.positive("ejection-time", ejectionTime);
        }
    }

    /**
     * {@code retry:} an idempotent request whose connect failed is sent once more, to another endpoint, while the
     * retries within the last {@code window} stay below {@code budget} x the requests in it, or below
     * {@code min-retries} (so a quiet cluster still retries). {@code budget: 0, min-retries: 0}: never.
     */
    public record Retry(double budget, int minRetries, Duration window) {
        static final Retry NONE = new Retry(0, 0, Duration.ofSeconds(10));

        public Retry {
            if (!(budget >= 0 && budget <= 1)) {
                throw new ConfigException("budget: " + budget + " (expected: >= 0 and <= 1)");
            }
            Checks.nonNegative("min-retries", minRetries);
            Checks.positive("window", window);
        }
    }
}
