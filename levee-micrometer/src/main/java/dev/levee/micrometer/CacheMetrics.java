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

import dev.levee.core.cache.CacheStats;
import dev.levee.core.cache.SwrCache;
import dev.levee.core.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.List;
import java.util.function.ToDoubleFunction;

import static dev.levee.micrometer.Meters.counter;
import static dev.levee.micrometer.Meters.gauge;
import static java.util.Objects.requireNonNull;

/**
 * The meters of a {@link SwrCache}, tagged {@code route}: {@code levee.cache.requests} by {@code result} (hit, stale,
 * stale_if_error, miss, coalesced, negative_hit), {@code levee.cache.refreshes}, {@code .load.failures},
 * {@code .evictions} (counters) and the gauges {@code levee.cache.entries} and {@code .bytes}. One
 * {@link SwrCache#stats()} per scrape.
 */
public final class CacheMetrics implements MeterBinder {
    private static final List<String> RESULTS =
            List.of("hit", "stale", "stale_if_error", "miss", "coalesced", "negative_hit");

    private final StatsSnapshot<CacheStats> snapshot;
    private final Tags tags;

    /** {@code route} names the cached call (the gateway: the route's path); keep it to a bounded set. */
    public CacheMetrics(SwrCache<?, ?> cache, String route) {
        this(cache, route, Ticker.system(), StatsSnapshot.DEFAULT_MAX_AGE);
    }

    /** As {@link #CacheMetrics(SwrCache, String)}, a snapshot reused for up to {@code snapshotMaxAge}. */
    public CacheMetrics(SwrCache<?, ?> cache, String route, Ticker ticker, Duration snapshotMaxAge) {
        requireNonNull(cache, "cache");
        this.tags = Tags.of("route", requireNonNull(route, "route"));
        this.snapshot = new StatsSnapshot<>(cache::stats, ticker, snapshotMaxAge);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        var s = snapshot;
        for (String result : RESULTS) {
            counter(registry, "levee.cache.requests", "Cache reads by result", tags.and("result", result), s,
                    byResult(result));
        }
        counter(registry, "levee.cache.refreshes", "Background refreshes of stale entries", tags, s,
                CacheStats::refreshes);
        counter(registry, "levee.cache.load.failures", "Loads that failed", tags, s, CacheStats::loadFailures);
        counter(registry, "levee.cache.evictions", "Entries evicted by the size bounds", tags, s,
                CacheStats::evictions);
        gauge(registry, "levee.cache.entries", "Entries held", tags, s, CacheStats::entries);
        gauge(registry, "levee.cache.bytes", "Bytes held (weigher estimate)", tags, s, CacheStats::weightedBytes);
    }

    private static ToDoubleFunction<CacheStats> byResult(String result) {
        return switch (result) {
            case "hit" -> CacheStats::hits;
            case "stale" -> CacheStats::staleHits;
            case "stale_if_error" -> CacheStats::staleIfError;
            case "miss" -> CacheStats::misses;
            case "coalesced" -> CacheStats::coalesced;
            default -> CacheStats::negativeHits;
        };
    }

    long snapshotsTaken() {
        return snapshot.taken();
    }
}
