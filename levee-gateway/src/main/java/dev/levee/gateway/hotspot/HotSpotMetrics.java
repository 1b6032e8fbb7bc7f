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
package dev.levee.gateway.hotspot;

import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hot-spot routes' meters: one levee-micrometer {@link dev.levee.micrometer.HotSpotMetrics} per route, per-key
 * series for the top {@code hot-spots.metrics-top-k} keys plus {@code key="other"}, re-chosen by {@link #refresh()}
 * every {@code hot-spots.metrics-refresh}. The snapshots age in wall time (a test's manual clock may stand still).
 */
final class HotSpotMetrics {
    private static final Duration SNAPSHOT_MAX_AGE = Duration.ofMillis(250);

    private final MeterRegistry registry;
    private final int topK;
    private final Map<String, dev.levee.micrometer.HotSpotMetrics> routes = new ConcurrentHashMap<>();

    HotSpotMetrics(MeterRegistry registry, int topK) {
        this.registry = registry;
        this.topK = topK;
    }

    void bind(String route, HotSpotLimiter limiter) {
        var binder = new dev.levee.micrometer.HotSpotMetrics(limiter, route, topK, Ticker.system(), SNAPSHOT_MAX_AGE);
        routes.put(route, binder);
        binder.bindTo(registry);
    }

    /** Forgets {@code route} (a reload removed its hot-spot block; its meters are removed by the caller). */
    void unbind(String route) {
        routes.remove(route);
    }

    /** Recomputes every route's snapshot and its top-K series. */
    void refresh() {
        routes.values().forEach(dev.levee.micrometer.HotSpotMetrics::refresh);
    }

    /** Per-key series currently registered for {@code route} (for tests: the cardinality cap). */
    Set<String> keysWithSeries(String route) {
        return routes.get(route).keysWithSeries();
    }
}
