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

import dev.levee.core.coalesce.CoalescerStats;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;

import static dev.levee.micrometer.Meters.counter;
import static dev.levee.micrometer.Meters.gauge;
import static java.util.Objects.requireNonNull;

/**
 * The meters of a {@link RequestCoalescer}, tagged {@code route}: {@code levee.coalescer.requests}, {@code .coalesced},
 * {@code .api.calls}, {@code .timeouts}, {@code .overflows}, {@code .errors} (counters, from the lifetime stats, so
 * a stats reset does not make them go down) and the gauges {@code levee.coalescer.pending.keys} and
 * {@code .waiters}. One {@link RequestCoalescer#lifetimeStats()} per scrape.
 */
public final class CoalescerMetrics implements MeterBinder {
    private final StatsSnapshot<CoalescerStats> snapshot;
    private final Tags tags;

    /** {@code route} names the coalesced call (the gateway: the route's path); keep it to a bounded set. */
    public CoalescerMetrics(RequestCoalescer<?, ?> coalescer, String route) {
        this(coalescer, route, Ticker.system(), StatsSnapshot.DEFAULT_MAX_AGE);
    }

    /** As {@link #CoalescerMetrics(RequestCoalescer, String)}, a snapshot reused for up to {@code snapshotMaxAge}. */
    public CoalescerMetrics(RequestCoalescer<?, ?> coalescer, String route, Ticker ticker, Duration snapshotMaxAge) {
        requireNonNull(coalescer, "coalescer");
        this.tags = Tags.of("route", requireNonNull(route, "route"));
        this.snapshot = new StatsSnapshot<>(coalescer::lifetimeStats, ticker, snapshotMaxAge);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        var s = snapshot;
        counter(registry, "levee.coalescer.requests", "Callers that asked the coalescer", tags, s,
                CoalescerStats::totalRequests);
        counter(registry, "levee.coalescer.coalesced", "Callers that joined a running upstream call", tags, s,
                CoalescerStats::coalescedRequests);
        counter(registry, "levee.coalescer.api.calls", "Upstream calls started by the coalescer", tags, s,
                CoalescerStats::apiCallsMade);
        counter(registry, "levee.coalescer.timeouts", "Callers that gave up at max-wait", tags, s,
                CoalescerStats::timeouts);
        counter(registry, "levee.coalescer.overflows", "Callers refused by the waiter bounds", tags, s,
                CoalescerStats::overflows);
        counter(registry, "levee.coalescer.errors", "Shared upstream calls that failed", tags, s,
                CoalescerStats::errors);
        gauge(registry, "levee.coalescer.pending.keys", "Upstream calls in flight", tags, s,
                CoalescerStats::pendingKeys);
        gauge(registry, "levee.coalescer.waiters", "Callers waiting for a shared call", tags, s,
                CoalescerStats::currentWaiters);
    }

    long snapshotsTaken() {
        return snapshot.taken();
    }
}
