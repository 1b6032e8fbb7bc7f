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

import dev.levee.core.time.Ticker;
import dev.levee.gateway.config.UpstreamClusterConfig;

import static java.util.Objects.requireNonNull;

/**
 * Passive outlier ejection: {@code consecutive-failures} failed requests in a row (5xx answers, connect failures,
 * timeouts) eject an endpoint for {@code ejection-time} of the cluster's ticker; any other answer ends the streak.
 * After the ejection the endpoint is picked again and its streak starts over, so one more streak ejects it again.
 */
final class OutlierDetector {
    private final boolean enabled;
    private final int threshold;
    private final long ejectionNanos;
    private final Ticker ticker;

    OutlierDetector(UpstreamClusterConfig.Outlier config, Ticker ticker) {
        requireNonNull(config, "config");
        this.enabled = config.enabled();
        this.threshold = config.consecutiveFailures();
        this.ejectionNanos = config.ejectionTime().toNanos();
        this.ticker = requireNonNull(ticker, "ticker");
    }

    void succeeded(Endpoint endpoint) {
        endpoint.succeeded();
    }

    /** Counts a failure of {@code endpoint}; true if this one ejected it. */
    boolean failed(Endpoint endpoint) {
        if (!enabled) {
            return false;
        }
        if (endpoint.failed() < threshold) {
            return false;
        }
        long now = ticker.read();
        return !endpoint.ejected(now) && endpoint.eject(now + ejectionNanos);
    }
}
