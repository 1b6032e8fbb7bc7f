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
import org.jspecify.annotations.Nullable;

/**
 * {@code tracing}: OpenTelemetry spans of the public listener's requests, exported over OTLP/HTTP (protobuf).
 *
 * @param otlpEndpoint   the collector's traces URL ({@code http://collector:4318/v1/traces}); null or empty: off
 * @param sampleRatio    fraction of the traces started here that are recorded (a parent's sampled flag wins)
 * @param serviceName    {@code service.name} of the exported resource
 * @param queueCapacity  spans waiting for export; past it spans are dropped (the SDK counts them), never waited for
 * @param exportTimeout  one export's time limit
 */
public record TracingConfig(@Nullable String otlpEndpoint, double sampleRatio, String serviceName, int queueCapacity,
                            Duration exportTimeout) {
    public TracingConfig {
        if (otlpEndpoint != null && otlpEndpoint.isBlank()) {
            otlpEndpoint = null;
        }
        if (otlpEndpoint != null) {
            URI uri;
            try {
                uri = URI.create(otlpEndpoint);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("otlp-endpoint: '" + otlpEndpoint + "' (expected: an http(s) URL)");
            }
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw new ConfigException("otlp-endpoint: '" + otlpEndpoint
                        + "' (expected: an http(s) URL such as http://collector:4318/v1/traces)");
            }
        }
        if (!(sampleRatio >= 0 && sampleRatio <= 1)) { // 0 is valid: only traces a client's sampled parent asks for
            throw new ConfigException("sample-ratio: " + sampleRatio + " (expected: >= 0 and <= 1)");
        }
        Checks.required("service-name", serviceName);
        if (serviceName.isBlank()) {
            throw new ConfigException("service-name: empty (expected: the service.name of the spans)");
        }
        Checks.positive("queue-capacity", queueCapacity);
        Checks.positive("export-timeout", Checks.required("export-timeout", exportTimeout));
    }

    /** True when an OTLP endpoint is set. */
    public boolean enabled() {
        return otlpEndpoint != null;
    }
}
