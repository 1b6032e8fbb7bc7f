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
package dev.levee.gateway.upstream;

import dev.levee.gateway.GatewayContext;
import dev.levee.gateway.GatewayFeature;
import dev.levee.gateway.ops.HealthReport;
import dev.levee.gateway.ops.HealthStatus;

import static java.util.Objects.requireNonNull;

/**
 * The upstreams as a capability: the {@code upstreams} section of {@code GET /health} (every upstream and endpoint:
 * up, down or ejected). UP while every endpoint gets requests, DEGRADED while some
 * do not, DOWN while some upstream has none left (its requests still go to them, see {@link UpstreamCluster}). It
 * never makes the gateway not-ready: a cache may still serve, and other routes use other upstreams. The clusters
 * themselves belong to {@link UpstreamClient}, which the server builds before every feature.
 */
public final class UpstreamsFeature implements GatewayFeature {
    private final UpstreamClient upstream;

    public UpstreamsFeature(GatewayContext gateway) {
        this.upstream = requireNonNull(gateway, "gateway").upstream();
    }

    @Override
    public String name() {
        return "upstreams";
    }

    @Override
    public HealthReport health() {
        UpstreamsView view = upstream.view();
        HealthStatus status = HealthStatus.UP;
        for (UpstreamsView.Cluster c : view.upstreams().values()) {
            long available = c.available();
            if (available == 0) {
                status = status.worst(HealthStatus.DOWN);
            } else if (available < c.endpoints().size()) {
                status = status.worst(HealthStatus.DEGRADED);
            }
        }
        return new HealthReport(status, view);
    }
}
