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
import dev.levee.core.hotspot.HotSpotSnapshot;
import dev.levee.core.hotspot.KeyUsage;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Binds the limiters' snapshots to Micrometer ({@code levee_hotspot_*}).
 *
 * <p>Implementation notes: per-route series are function counters and gauges over a snapshot taken at most once
 * per refresh. Per-key series ({@code levee_hotspot_key_*}) carry a {@code key} label only for the current top K
 * of each route, plus one {@code key="other"} series for everything else, so a route never has more than K + 1
 * series per metric however many keys appear. {@link #refresh} recomputes the top K and removes the series of
 * keys that left it from the registry (not only from the scrape), so they do not accumulate.
 */
final class HotSpotMetrics {
    static final String OTHER = "other";

    private final MeterRegistry registry;
    private final int topK;
    private final Map<String, RouteSeries> routes = new HashMap<>();

    /** The values the per-key gauges of one key read; replaced wholesale on refresh. */
    private static final class KeyValues {
        volatile double callsInWindow;
        volatile double usageRatio;
        volatile double queueDepth;
        volatile double callsPerMinute;
        volatile double alerting;
        final List<Meter> meters = new ArrayList<>();
    }

    private final class RouteSeries {
        final String route;
        final HotSpotLimiter limiter;
        volatile HotSpotSnapshot last;
        final Map<String, KeyValues> keys = new HashMap<>();

        RouteSeries(String route, HotSpotLimiter limiter) {
            this.route = route;
            this.limiter = limiter;
            this.last = limiter.snapshot(topK);
            Tags tags = Tags.of("route", route);
            counter("levee.hotspot.requests", "Calls that needed the upstream on a hot-spot route", tags,
                    s -> s.requests());
            counter("levee.hotspot.granted", "Upstream calls granted a slot in their key's window", tags,
                    s -> s.granted());
            counter("levee.hotspot.rejected", "Calls answered 429: key queue full", tags.and("reason", "queue_full"),
                    s -> s.rejectedQueueFull());
            counter("levee.hotspot.rejected", "Calls answered 429", tags.and("reason", "wait_too_long"),
                    s -> s.rejectedWaitTooLong());
            counter("levee.hotspot.rejected", "Calls answered 429", tags.and("reason", "wait_timeout"),
                    s -> s.rejectedTimeout());
            counter("levee.hotspot.rejected", "Calls answered 429", tags.and("reason", "keys_exhausted"),
                    s -> s.rejectedKeysExhausted());
            counter("levee.hotspot.alerts", "Keys crossing the near-limit threshold", tags, s -> s.alerts());
            gauge("levee.hotspot.queued", "Callers waiting for a slot, all keys", tags, s -> s.queued());
            gauge("levee.hotspot.in.flight", "Upstream calls holding a slot now", tags, s -> s.inFlight());
            gauge("levee.hotspot.tracked.keys", "Keys with window state", tags, s -> s.trackedKeys());
            gauge("levee.hotspot.alerting.keys", "Keys at or above the alert threshold", tags, s -> s.alerting());
        }

        private void counter(String name, String help, Tags tags, ToDoubleFunction<HotSpotSnapshot> f) {
            FunctionCounter.builder(name, this, r -> f.applyAsDouble(r.last)).description(help).tags(tags)
                    .register(registry);
        }

        private void gauge(String name, String help, Tags tags, ToDoubleFunction<HotSpotSnapshot> f) {
            Gauge.builder(name, this, r -> f.applyAsDouble(r.last)).description(help).tags(tags).register(registry);
        }

        synchronized void refresh() {
            HotSpotSnapshot s = limiter.snapshot(topK);
            last = s;
            Set<String> current = new HashSet<>();
            double topCalls = 0;
            double topQueue = 0;
            int topAlerting = 0;
            for (KeyUsage u : s.top()) {
                current.add(u.key());
                KeyValues v = keys.computeIfAbsent(u.key(), this::register);
                v.callsInWindow = u.callsInWindow();
                v.usageRatio = u.usagePercent() / 100.0;
                v.queueDepth = u.queueDepth();
                v.callsPerMinute = u.callsPerMinute();
                v.alerting = u.alerting() ? 1 : 0;
                topCalls += u.callsInWindow();
                topQueue += u.queueDepth();
                topAlerting += u.alerting() ? 1 : 0;
            }
            KeyValues other = keys.computeIfAbsent(OTHER, this::register);
            current.add(OTHER);
            other.callsInWindow = Math.max(0, s.callsInWindow() - topCalls);
            other.queueDepth = Math.max(0, s.queued() - topQueue);
            other.alerting = Math.max(0, s.alerting() - topAlerting);
            other.usageRatio = Double.NaN;
            other.callsPerMinute = Double.NaN;
            for (String gone : new ArrayList<>(keys.keySet())) {
                if (!current.contains(gone)) {
                    keys.remove(gone).meters.forEach(registry::remove);
                }
            }
        }

        private KeyValues register(String key) {
            KeyValues v = new KeyValues();
            Tags tags = Tags.of("route", route, "key", key);
            v.meters.add(Gauge.builder("levee.hotspot.key.calls.in.window", v, x -> x.callsInWindow)
                    .description("Calls counted in the key's window (top keys; the rest summed as key=other)")
                    .tags(tags).register(registry));
            v.meters.add(Gauge.builder("levee.hotspot.key.queue.depth", v, x -> x.queueDepth)
                    .description("Callers waiting for a slot of the key").tags(tags).register(registry));
            v.meters.add(Gauge.builder("levee.hotspot.key.alerting", v, x -> x.alerting)
                    .description("1 if the key is at or above the alert threshold (other: how many keys are)")
                    .tags(tags).register(registry));
            if (!OTHER.equals(key)) {
                v.meters.add(Gauge.builder("levee.hotspot.key.usage.ratio", v, x -> x.usageRatio)
                        .description("Calls in window / limit").tags(tags).register(registry));
                v.meters.add(Gauge.builder("levee.hotspot.key.calls.per.minute", v, x -> x.callsPerMinute)
                        .description("Upstream calls per minute (heavy-hitter estimate)").tags(tags)
                        .register(registry));
            }
            return v;
        }
    }

    HotSpotMetrics(MeterRegistry registry, int topK) {
        this.registry = registry;
        this.topK = topK;
    }

    void bind(String route, HotSpotLimiter limiter) {
        RouteSeries r = new RouteSeries(route, limiter);
        routes.put(route, r);
        r.refresh();
    }

    /** Recomputes every route's snapshot and its top-K series. */
    void refresh() {
        routes.values().forEach(RouteSeries::refresh);
    }

    /** Per-key series currently registered for {@code route} (for tests: the cardinality cap). */
    Set<String> keysWithSeries(String route) {
        RouteSeries r = routes.get(route);
        synchronized (r) {
            return Set.copyOf(r.keys.keySet());
        }
    }
}
