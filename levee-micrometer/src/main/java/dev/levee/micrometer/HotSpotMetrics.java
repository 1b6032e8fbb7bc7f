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
package dev.levee.micrometer;

import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.hotspot.HotSpotSnapshot;
import dev.levee.core.hotspot.KeyUsage;
import dev.levee.core.time.Ticker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

import static dev.levee.micrometer.Meters.counter;
import static dev.levee.micrometer.Meters.gauge;
import static java.util.Objects.requireNonNull;

/**
 * The meters of a {@link HotSpotLimiter}, tagged {@code route}: the counters {@code levee.hotspot.requests},
 * {@code .granted}, {@code .rejected} by {@code reason} (queue_full, wait_too_long, wait_timeout, keys_exhausted)
 * and {@code .alerts}; the gauges {@code levee.hotspot.queued}, {@code .in.flight}, {@code .tracked.keys} and
 * {@code .alerting.keys}.
 *
 * <p>Per-key series, tagged {@code route} and {@code key}, for the top {@code topK} keys only, the rest summed as
 * {@code key="other"}: {@code levee.hotspot.key.calls.in.window}, {@code .key.queue.depth}, {@code .key.alerting}
 * (for other: how many keys are), and for a top key {@code .key.usage.ratio} and {@code .key.calls.per.minute}. So
 * a route has at most {@code topK + 1} keys in the registry, however many keys the limiter tracks. Which keys
 * have series is decided by {@link #refresh()} (and at bind): call it on a schedule (the gateway does every
 * {@code hot-spots.metrics-refresh}); the values are read from the scrape's snapshot, NaN for a key that has left
 * the top since the last refresh. One {@link HotSpotLimiter#snapshot(int)} per scrape.
 */
public final class HotSpotMetrics implements MeterBinder {
    /** The {@code key} label of the keys outside the top K, summed. */
    public static final String OTHER = "other";

    private final String route;
    private final StatsSnapshot<HotSpotSnapshot> snapshot;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    // guarded by this: per key with series, its meters in every bound registry
    private final Map<String, List<Meter>> keys = new LinkedHashMap<>();

    /** {@code route} names the limited call (the gateway: the route's path); keep it to a bounded set. */
    public HotSpotMetrics(HotSpotLimiter limiter, String route, int topK) {
        this(limiter, route, topK, Ticker.system(), StatsSnapshot.DEFAULT_MAX_AGE);
    }

    /** As {@link #HotSpotMetrics(HotSpotLimiter, String, int)}, a snapshot reused for up to {@code snapshotMaxAge}. */
    public HotSpotMetrics(HotSpotLimiter limiter, String route, int topK, Ticker ticker, Duration snapshotMaxAge) {
        requireNonNull(limiter, "limiter");
        this.route = requireNonNull(route, "route");
        if (topK < 0) {
            throw new IllegalArgumentException("topK: " + topK + " (expected: >= 0)");
        }
        this.snapshot = new StatsSnapshot<>(() -> limiter.snapshot(topK), ticker, snapshotMaxAge);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        var s = snapshot;
        Tags tags = Tags.of("route", route);
        counter(registry, "levee.hotspot.requests", "Calls that needed the upstream on a hot-spot route", tags, s,
                HotSpotSnapshot::requests);
        counter(registry, "levee.hotspot.granted", "Upstream calls granted a slot in their key's window", tags, s,
                HotSpotSnapshot::granted);
        counter(registry, "levee.hotspot.rejected", "Calls answered 429: key queue full",
                tags.and("reason", "queue_full"), s, HotSpotSnapshot::rejectedQueueFull);
        counter(registry, "levee.hotspot.rejected", "Calls answered 429", tags.and("reason", "wait_too_long"), s,
                HotSpotSnapshot::rejectedWaitTooLong);
        counter(registry, "levee.hotspot.rejected", "Calls answered 429", tags.and("reason", "wait_timeout"), s,
                HotSpotSnapshot::rejectedTimeout);
        counter(registry, "levee.hotspot.rejected", "Calls answered 429", tags.and("reason", "keys_exhausted"), s,
                HotSpotSnapshot::rejectedKeysExhausted);
        counter(registry, "levee.hotspot.alerts", "Keys crossing the near-limit threshold", tags, s,
                HotSpotSnapshot::alerts);
        gauge(registry, "levee.hotspot.queued", "Callers waiting for a slot, all keys", tags, s,
                HotSpotSnapshot::queued);
        gauge(registry, "levee.hotspot.in.flight", "Upstream calls holding a slot now", tags, s,
                HotSpotSnapshot::inFlight);
        gauge(registry, "levee.hotspot.tracked.keys", "Keys with window state", tags, s,
                HotSpotSnapshot::trackedKeys);
        gauge(registry, "levee.hotspot.alerting.keys", "Keys at or above the alert threshold", tags, s,
                HotSpotSnapshot::alerting);
        synchronized (this) {
            registries.add(registry);
            for (Map.Entry<String, List<Meter>> e : keys.entrySet()) {
                e.getValue().addAll(register(registry, e.getKey()));
            }
        }
        refresh();
    }

    /**
     * Takes a snapshot now and gives series to its top keys (and {@code other}), removing those of keys that left
     * the top. Cheap: one snapshot, and registry changes only for keys that came or went.
     */
    public synchronized void refresh() {
        HotSpotSnapshot s = snapshot.refresh();
        Set<String> current = new LinkedHashSet<>();
        for (KeyUsage u : s.top()) {
            current.add(u.key());
        }
        current.add(OTHER);
        for (var it = keys.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, List<Meter>> e = it.next();
            if (!current.contains(e.getKey())) {
                it.remove();
                for (Meter m : e.getValue()) {
                    for (MeterRegistry r : registries) {
                        r.remove(m);
                    }
                }
            }
        }
        for (String key : current) {
            if (!keys.containsKey(key)) {
                List<Meter> meters = new ArrayList<>();
                for (MeterRegistry r : registries) {
                    meters.addAll(register(r, key));
                }
                keys.put(key, meters);
            }
        }
    }

    /** The keys with series now: at most the top K and {@link #OTHER}. */
    public synchronized Set<String> keysWithSeries() {
        return Set.copyOf(keys.keySet());
    }

    private List<Meter> register(MeterRegistry registry, String key) {
        Tags tags = Tags.of("route", route, "key", key);
        List<Meter> meters = new ArrayList<>();
        if (OTHER.equals(key)) {
            meters.add(keyGauge(registry, "levee.hotspot.key.calls.in.window",
                    "Calls counted in the key's window (top keys; the rest summed as key=other)", tags,
                    s -> Math.max(0, s.callsInWindow() - sum(s, KeyUsage::callsInWindow))));
            meters.add(keyGauge(registry, "levee.hotspot.key.queue.depth", "Callers waiting for a slot of the key",
                    tags, s -> Math.max(0, s.queued() - sum(s, KeyUsage::queueDepth))));
            meters.add(keyGauge(registry, "levee.hotspot.key.alerting",
                    "1 if the key is at or above the alert threshold (other: how many keys are)", tags,
                    s -> Math.max(0, s.alerting() - sum(s, u -> u.alerting() ? 1 : 0))));
            return meters;
        }
        meters.add(keyGauge(registry, "levee.hotspot.key.calls.in.window",
                "Calls counted in the key's window (top keys; the rest summed as key=other)", tags,
                s -> ofKey(s, key, KeyUsage::callsInWindow)));
        meters.add(keyGauge(registry, "levee.hotspot.key.queue.depth", "Callers waiting for a slot of the key", tags,
                s -> ofKey(s, key, KeyUsage::queueDepth)));
        meters.add(keyGauge(registry, "levee.hotspot.key.alerting",
                "1 if the key is at or above the alert threshold (other: how many keys are)", tags,
                s -> ofKey(s, key, u -> u.alerting() ? 1 : 0)));
        meters.add(keyGauge(registry, "levee.hotspot.key.usage.ratio", "Calls in window / limit", tags,
                s -> ofKey(s, key, u -> u.usagePercent() / 100.0)));
        meters.add(keyGauge(registry, "levee.hotspot.key.calls.per.minute",
                "Upstream calls per minute (heavy-hitter estimate)", tags, s -> ofKey(s, key, KeyUsage::callsPerMinute)));
        return meters;
    }

    private Meter keyGauge(MeterRegistry registry, String name, String description, Tags tags,
                           ToDoubleFunction<HotSpotSnapshot> f) {
        var s = snapshot;
        return Gauge.builder(name, s, x -> f.applyAsDouble(s.get())).description(description).tags(tags)
                .strongReference(true).register(registry);
    }

    /** The key's value in the snapshot's top (at most top K entries, so a scan), NaN if it is not there. */
    private static double ofKey(HotSpotSnapshot s, String key, ToDoubleFunction<KeyUsage> f) {
        for (KeyUsage u : s.top()) {
            if (u.key().equals(key)) {
                return f.applyAsDouble(u);
            }
        }
        return Double.NaN;
    }

    private static double sum(HotSpotSnapshot s, ToDoubleFunction<KeyUsage> f) {
        double sum = 0;
        for (KeyUsage u : s.top()) {
            sum += f.applyAsDouble(u);
        }
        return sum;
    }

    long snapshotsTaken() {
        return snapshot.taken();
    }
}
