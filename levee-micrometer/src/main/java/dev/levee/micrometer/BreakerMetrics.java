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

import dev.levee.core.breaker.BreakerState;
import dev.levee.core.breaker.BreakerStats;
import dev.levee.core.breaker.UpstreamBreaker;
import dev.levee.core.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

import static dev.levee.micrometer.Meters.counter;
import static dev.levee.micrometer.Meters.gauge;
import static java.util.Objects.requireNonNull;

/**
 * The meters of an {@link UpstreamBreaker}, tagged {@code route}: {@code levee.breaker.state} (1 for the current
 * {@code state}, 0 for the others), {@code levee.breaker.calls} by {@code outcome} (success, failure, rejected,
 * rate_limited), {@code levee.breaker.slow.calls}, {@code .opened} (counters) and the gauge
 * {@code levee.breaker.failure.rate} (percent; 0 before the window has its minimum calls). One
 * {@link UpstreamBreaker#stats()} per scrape; the state gauges read the state of that snapshot.
 */
public final class BreakerMetrics implements MeterBinder {
    private static final List<String> OUTCOMES = List.of("success", "failure", "rejected", "rate_limited");

    private final StatsSnapshot<BreakerStats> snapshot;
    private final Tags tags;

    /** {@code route} names the protected call (the gateway: the route's path); keep it to a bounded set. */
    public BreakerMetrics(UpstreamBreaker breaker, String route) {
        this(breaker, route, Ticker.system(), StatsSnapshot.DEFAULT_MAX_AGE);
    }

    /** As {@link #BreakerMetrics(UpstreamBreaker, String)}, a snapshot reused for up to {@code snapshotMaxAge}. */
    public BreakerMetrics(UpstreamBreaker breaker, String route, Ticker ticker, Duration snapshotMaxAge) {
        requireNonNull(breaker, "breaker");
        this.tags = Tags.of("route", requireNonNull(route, "route"));
        this.snapshot = new StatsSnapshot<>(breaker::stats, ticker, snapshotMaxAge);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        var s = snapshot;
        for (BreakerState state : BreakerState.values()) {
            gauge(registry, "levee.breaker.state", "1 for the breaker's current state",
                    tags.and("state", state.name().toLowerCase(Locale.ROOT)), s, x -> x.state() == state ? 1 : 0);
        }
        for (String outcome : OUTCOMES) {
            counter(registry, "levee.breaker.calls", "Upstream calls by breaker outcome",
                    tags.and("outcome", outcome), s, byOutcome(outcome));
        }
        counter(registry, "levee.breaker.slow.calls", "Upstream calls slower than slow-call-duration", tags, s,
                BreakerStats::slowCalls);
        counter(registry, "levee.breaker.opened", "Transitions into OPEN", tags, s, BreakerStats::opened);
        gauge(registry, "levee.breaker.failure.rate", "Failure rate over the current window, percent", tags, s,
                x -> Math.max(0, x.failureRatePercent()));
    }

    private static ToDoubleFunction<BreakerStats> byOutcome(String outcome) {
        return switch (outcome) {
            case "success" -> BreakerStats::successes;
            case "failure" -> BreakerStats::failures;
            case "rejected" -> BreakerStats::rejected;
            default -> BreakerStats::rateLimited;
        };
    }

    long snapshotsTaken() {
        return snapshot.taken();
    }
}
