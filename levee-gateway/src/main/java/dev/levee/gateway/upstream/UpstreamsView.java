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

import java.util.List;
import java.util.Map;

/**
 * The {@code upstreams} section of {@code GET /health}: every upstream by name, each endpoint's state.
 *
 * @param upstreams by name, {@code default} included
 */
public record UpstreamsView(Map<String, Cluster> upstreams) {
    public UpstreamsView {
        upstreams = Map.copyOf(upstreams);
    }

    /**
     * One upstream.
     *
     * @param retries       requests sent again to another endpoint after a connect failure
     * @param retriesDenied retries not made because the retry budget was spent
     */
    public record Cluster(String balancer, int inFlight, int maxInFlight, long retries, long retriesDenied,
                          List<EndpointState> endpoints) {
        public Cluster {
            endpoints = List.copyOf(endpoints);
        }

        /** How many endpoints get requests now. */
        public long available() {
            return endpoints.stream().filter(e -> e.state().equals("up")).count();
        }
    }

    /**
     * One endpoint.
     *
     * @param state               {@code up}, {@code down} (the health check fails) or {@code ejected} (outlier)
     * @param ejectedForMs        time left of the ejection, 0 when not ejected
     * @param activeRequests      requests at it now
     * @param consecutiveFailures failed requests in a row (the outlier detector's streak)
     * @param ejections           times it was ejected
     */
    public record EndpointState(String url, String state, boolean healthy, boolean ejected, long ejectedForMs,
                                int activeRequests, int consecutiveFailures, long ejections) {}
}
