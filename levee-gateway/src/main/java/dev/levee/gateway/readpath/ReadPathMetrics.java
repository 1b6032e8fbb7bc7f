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
package dev.levee.gateway.readpath;

import dev.levee.core.time.Ticker;
import dev.levee.micrometer.BreakerMetrics;
import dev.levee.micrometer.CacheMetrics;
import dev.levee.micrometer.CoalescerMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.List;

/**
 * Binds each route's coalescer, cache and breaker with levee-micrometer's binders, so an embedded application
 * exports the same series. The only label is the route prefix (plus a fixed result/outcome/state set), so
 * cardinality is bounded by config. The snapshots age in wall time: they only spare a scrape from taking one
 * snapshot per meter, and a test's manual clock may stand still.
 */
final class ReadPathMetrics {
    private static final Duration SNAPSHOT_MAX_AGE = Duration.ofMillis(250);

    private ReadPathMetrics() {}

    static void bind(MeterRegistry registry, List<RoutePipeline> pipelines) {
        Ticker wall = Ticker.system();
        for (RoutePipeline p : pipelines) {
            String route = p.route.path();
            if (p.coalescer != null) {
                new CoalescerMetrics(p.coalescer, route, wall, SNAPSHOT_MAX_AGE).bindTo(registry);
            }
            if (p.cache != null) {
                new CacheMetrics(p.cache, route, wall, SNAPSHOT_MAX_AGE).bindTo(registry);
            }
            if (p.breaker != null) {
                new BreakerMetrics(p.breaker, route, wall, SNAPSHOT_MAX_AGE).bindTo(registry);
            }
        }
    }
}
