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

import dev.levee.core.breaker.BreakerState;
import dev.levee.core.breaker.BreakerStats;
import dev.levee.core.cache.CacheStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Binds the read path's core snapshots to Micrometer. Counters read the lifetime figures (the stats reset
 * endpoint only starts a new period for the JSON stats, so Prometheus counters stay monotonic). The only label is
 * the route prefix (plus a fixed result/outcome/state set), so cardinality is bounded by config.
 */
final class ReadPathMetrics {
    private ReadPathMetrics() {}

    static void bind(MeterRegistry registry, List<RoutePipeline> pipelines) {
        for (RoutePipeline p : pipelines) {
            String route = p.route.path();
            if (p.coalescer != null) {
                var c = p.coalescer;
                counter(registry, "levee.coalescer.requests", "Callers that asked the coalescer", route, c,
                        x -> x.lifetimeStats().totalRequests());
                counter(registry, "levee.coalescer.coalesced", "Callers that joined a running upstream call", route,
                        c, x -> x.lifetimeStats().coalescedRequests());
                counter(registry, "levee.coalescer.api.calls", "Upstream calls started by the coalescer", route, c,
                        x -> x.lifetimeStats().apiCallsMade());
                counter(registry, "levee.coalescer.timeouts", "Callers that gave up at max-wait", route, c,
                        x -> x.lifetimeStats().timeouts());
                counter(registry, "levee.coalescer.overflows", "Callers refused by the waiter bounds", route, c,
                        x -> x.lifetimeStats().overflows());
                counter(registry, "levee.coalescer.errors", "Shared upstream calls that failed", route, c,
                        x -> x.lifetimeStats().errors());
                Gauge.builder("levee.coalescer.pending.keys", c, x -> x.lifetimeStats().pendingKeys())
                        .description("Upstream calls in flight").tag("route", route).register(registry);
                Gauge.builder("levee.coalescer.waiters", c, x -> x.lifetimeStats().currentWaiters())
                        .description("Callers waiting for a shared call").tag("route", route).register(registry);
            }
            if (p.cache != null) {
                var cache = p.cache;
                for (String result : List.of("hit", "stale", "stale_if_error", "miss", "coalesced", "negative_hit")) {
                    FunctionCounter.builder("levee.cache.requests", cache, x -> pick(x.stats(), result))
                            .description("Cache reads by result").tag("route", route).tag("result", result)
                            .register(registry);
                }
                counter(registry, "levee.cache.refreshes", "Background refreshes of stale entries", route, cache,
                        x -> x.stats().refreshes());
                counter(registry, "levee.cache.load.failures", "Loads that failed", route, cache,
                        x -> x.stats().loadFailures());
                counter(registry, "levee.cache.evictions", "Entries evicted by the size bounds", route, cache,
                        x -> x.stats().evictions());
                Gauge.builder("levee.cache.entries", cache, x -> x.stats().entries())
                        .description("Entries held").tag("route", route).register(registry);
                Gauge.builder("levee.cache.bytes", cache, x -> x.stats().weightedBytes())
                        .description("Bytes held (weigher estimate)").tag("route", route).register(registry);
            }
            if (p.breaker != null) {
                var b = p.breaker;
                for (BreakerState s : BreakerState.values()) {
                    Gauge.builder("levee.breaker.state", b, x -> x.state() == s ? 1 : 0)
                            .description("1 for the breaker's current state").tag("route", route)
                            .tag("state", s.name().toLowerCase(Locale.ROOT)).register(registry);
                }
                for (String outcome : List.of("success", "failure", "rejected", "rate_limited")) {
                    FunctionCounter.builder("levee.breaker.calls", b, x -> pick(x.stats(), outcome))
                            .description("Upstream calls by breaker outcome").tag("route", route)
                            .tag("outcome", outcome).register(registry);
                }
                counter(registry, "levee.breaker.slow.calls", "Upstream calls slower than slow-call-duration", route,
                        b, x -> x.stats().slowCalls());
                counter(registry, "levee.breaker.opened", "Transitions into OPEN", route, b, x -> x.stats().opened());
                Gauge.builder("levee.breaker.failure.rate", b, x -> Math.max(0, x.stats().failureRatePercent()))
                        .description("Failure rate over the current window, percent").tag("route", route)
                        .register(registry);
            }
        }
    }

    private static <T> void counter(MeterRegistry registry, String name, String description, String route, T obj,
                                    ToDoubleFunction<T> f) {
        FunctionCounter.builder(name, obj, f).description(description).tag("route", route).register(registry);
    }

    private static double pick(CacheStats s, String result) {
        return switch (result) {
            case "hit" -> s.hits();
            case "stale" -> s.staleHits();
            case "stale_if_error" -> s.staleIfError();
            case "miss" -> s.misses();
            case "coalesced" -> s.coalesced();
            default -> s.negativeHits();
        };
    }

    private static double pick(BreakerStats s, String outcome) {
        return switch (outcome) {
            case "success" -> s.successes();
            case "failure" -> s.failures();
            case "rejected" -> s.rejected();
            default -> s.rateLimited();
        };
    }
}
