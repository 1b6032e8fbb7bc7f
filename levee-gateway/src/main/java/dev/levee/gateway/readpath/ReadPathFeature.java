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
import dev.levee.core.coalesce.CoalescerStats;
import dev.levee.gateway.GatewayContext;
import dev.levee.gateway.GatewayFeature;
import dev.levee.core.coalesce.FlightCoordinator;
import dev.levee.gateway.config.ConfigChanges;
import dev.levee.gateway.config.LeveeConfig;
import dev.levee.gateway.config.RouteConfig;
import dev.levee.gateway.hotspot.HotSpotFeature;
import dev.levee.gateway.store.FlightCoordinators;
import dev.levee.gateway.upstream.UpstreamResponse;
import dev.levee.gateway.http.AdminAuth;
import dev.levee.gateway.http.JsonResponses;
import dev.levee.gateway.chain.RequestState;
import dev.levee.gateway.ops.HealthReport;
import dev.levee.gateway.ops.HealthStatus;
import dev.levee.gateway.ops.RouteMeters;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The read path: for GET and HEAD on configured routes, core's {@link dev.levee.core.readpath.ReadPath}
 * (stale-while-revalidate cache -> request coalescer -> hot-spot window -> circuit breaker) -> batcher -> upstream.
 * Everything else (other methods, unmatched paths) falls through to the plain proxy. The hot-spot window of a route
 * is {@link HotSpotFeature}'s limiter for it, taken at construction (so the hot-spot feature is built first).
 *
 * <p>Responses carry {@code X-Cache: HIT | STALE | MISS | COALESCED} and {@code Age}; stale served because the
 * upstream failed adds {@code X-Levee-Stale-Reason: upstream-error | circuit-open} and {@code Warning: 111}. A
 * coalesced waiter past {@code coalesce.max-wait} gets 504; waiter overflow gets 503 + Retry-After; an open breaker
 * with nothing stale gets 503 + Retry-After (time until probes); upstream 5xx/429 answers reach every waiter as
 * the upstream sent them.
 *
 * <p>Endpoints: {@code GET /health/coalescer}, {@code GET /api/v1/shared/deduplication/stats},
 * {@code GET /api/v1/shared/deduplication/health}, {@code POST /api/v1/shared/deduplication/stats/reset}
 * (admin token). Metrics: {@code levee_coalescer_*}, {@code levee_cache_*}, {@code levee_breaker_*}, labelled by
 * route prefix only (bounded by config).
 *
 * <p>With {@code store.type: redis} every route's coalescer runs its leaders through one
 * {@link dev.levee.redis.coalesce.RedisFlightCoordinator} ({@link FlightCoordinators}): a cold key costs one upstream
 * call across instances, and cached routes share their fresh and stale entries through Redis behind each
 * instance's Caffeine (a value found there is served with {@code X-Cache: HIT} or {@code STALE} and its real Age).
 */
public final class ReadPathFeature implements GatewayFeature {
    public static final String HEALTH_PATH = "/health/coalescer";
    public static final String STATS_PATH = "/api/v1/shared/deduplication/stats";
    public static final String DEDUP_HEALTH_PATH = "/api/v1/shared/deduplication/health";
    public static final String RESET_PATH = "/api/v1/shared/deduplication/stats/reset";

    private final GatewayContext gateway;
    // by the route's config (RouteConfig equals): a reload keeps the pipeline of a route whose config is equal
    private volatile Map<RouteConfig, RoutePipeline> pipelines;
    private volatile List<RoutePipeline> ordered; // in config order
    // pipelines a reload replaced, for the requests matched before it, until they are done (see reconfigure)
    private final Map<RouteConfig, RoutePipeline> retired = new ConcurrentHashMap<>();
    private final FlightCoordinators.Shared<UpstreamResponse> flights;
    private final Function<RouteConfig, Optional<HotSpotFeature.ReadStage>> hotSpot;

    /** With the hot-spot stages of the {@link HotSpotFeature} built before this one, if any. */
    public ReadPathFeature(GatewayContext gateway) {
        this(gateway, hotSpotStages(gateway));
    }

    /** {@code hotSpot}: the hot-spot stage of a route's read path, if it has one. */
    public ReadPathFeature(GatewayContext gateway,
                           Function<RouteConfig, Optional<HotSpotFeature.ReadStage>> hotSpot) {
        this.gateway = gateway;
        this.hotSpot = hotSpot;
        // store.type: redis -> one Redis coordinator for every route (cross-instance coalescing, shared cache tier)
        boolean anyCoalescing = gateway.config().routes().stream()
                .anyMatch(r -> r.coalesce() != null || r.cache() != null);
        this.flights = anyCoalescing ? FlightCoordinators.forConfig(gateway, UpstreamResponseCodec.INSTANCE)
                : new FlightCoordinators.Shared<>(FlightCoordinator.local(), () -> {});
        Map<RouteConfig, RoutePipeline> built = new LinkedHashMap<>();
        for (RouteConfig route : gateway.config().routes()) {
            built.computeIfAbsent(route, r -> new RoutePipeline(gateway, r, flights.coordinator(), hotSpot.apply(r)));
        }
        this.pipelines = built;
        this.ordered = List.copyOf(built.values());
        ReadPathMetrics.bind(gateway.registry(), ordered);
    }

    /**
     * A config reload: a route whose config (and upstream) is unchanged keeps its pipeline, with its cache entries,
     * coalescer and breaker state; a new or changed route gets a new one (its meters rebound); a replaced pipeline
     * stays for the requests matched before the reload (they finish on it) and goes after
     * {@link ConfigChanges#retireAfter}.
     */
    @Override
    public synchronized List<String> reconfigure(LeveeConfig old, LeveeConfig next) {
        Map<RouteConfig, RoutePipeline> running = pipelines;
        Map<RouteConfig, RoutePipeline> built = new LinkedHashMap<>();
        List<RoutePipeline> fresh = new ArrayList<>();
        for (RouteConfig route : next.routes()) {
            if (built.containsKey(route)) {
                continue;
            }
            RoutePipeline p = running.get(route);
            String upstream = route.upstream() == null ? LeveeConfig.DEFAULT_UPSTREAM : route.upstream();
            if (p == null || !Objects.equals(old.upstreamClusters().get(upstream),
                    next.upstreamClusters().get(upstream))) {
                p = new RoutePipeline(gateway, route, flights.coordinator(), hotSpot.apply(route));
                fresh.add(p);
            }
            built.put(route, p);
        }
        Set<String> kept = new HashSet<>();
        built.values().stream().filter(p -> !fresh.contains(p)).forEach(p -> kept.add(p.route.path()));
        Duration grace = ConfigChanges.retireAfter(old);
        running.forEach((route, p) -> {
            if (built.get(route) != p) {
                retired.put(route, p);
                gateway.scheduler().schedule(() -> retired.remove(route, p), grace.toNanos(), TimeUnit.NANOSECONDS);
                if (!kept.contains(route.path())) { // its meters read the old objects: they go before new ones bind
                    RouteMeters.remove(gateway.registry(), route.path(), METER_PREFIXES);
                }
            }
        });
        ReadPathMetrics.bind(gateway.registry(), fresh);
        this.pipelines = built;
        this.ordered = List.copyOf(built.values());
        return List.of();
    }

    private static final List<String> METER_PREFIXES = List.of("levee.coalescer.", "levee.cache.", "levee.breaker.");

    private static Function<RouteConfig, Optional<HotSpotFeature.ReadStage>> hotSpotStages(GatewayContext gateway) {
        HotSpotFeature hs = gateway.find(HotSpotFeature.class).orElse(null);
        if (hs != null) {
            return hs::readStage;
        }
        // a hot-spot block the read path silently ignored would let every cache miss past the upstream's quota
        for (RouteConfig route : gateway.config().routes()) {
            if (route.hotSpot() != null) {
                throw new IllegalStateException("route " + route.path() + " has a hot-spot block, but no "
                        + "HotSpotFeature was built before the ReadPathFeature (see Features.all())");
            }
        }
        return route -> Optional.empty();
    }

    /** The pipeline of a configured route (tests and the dashboard). */
    RoutePipeline pipeline(String routePath) {
        return ordered.stream().filter(p -> p.route.path().equals(routePath)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no route " + routePath));
    }

    @Override
    public String name() {
        return "read_path";
    }

    @Override
    public void mountOps(Router router) {
        // the original platform's contract: status is healthy | warning | degraded (not UP/DOWN), always 200
        router.get(HEALTH_PATH).handler(ctx -> JsonResponses.send(ctx, 200, statsBody()));
        router.get(STATS_PATH).handler(this::stats);
        router.get(DEDUP_HEALTH_PATH).handler(this::dedupHealth);
        router.post(RESET_PATH).handler(new AdminAuth(gateway.config().admin().token())).handler(this::reset);
    }

    /**
     * {@link dev.levee.gateway.chain.Stage#READ_PATH}: serves GET and HEAD on the request's matched route
     * ({@link RequestState#route()}); anything else goes on to the proxy stages.
     */
    public void handle(RoutingContext ctx) {
        HttpMethod m = ctx.request().method();
        if (!HttpMethod.GET.equals(m) && !HttpMethod.HEAD.equals(m)) {
            ctx.next();
            return;
        }
        RouteConfig route = RequestState.of(ctx).route();
        RoutePipeline p = null;
        if (route != null) {
            p = pipelines.get(route);
            if (p == null) { // matched on the config before a reload that changed its route: it finishes on that
                p = retired.get(route);
            }
        }
        if (p == null) {
            ctx.next();
            return;
        }
        p.serve(ctx);
    }

    /** Every route's coalescer figures summed (the dashboard reads this). */
    public CoalescerStats coalescerStats() {
        return aggregate();
    }

    /** Each breaker's stats by route prefix, in config order (the dashboard reads this). */
    public Map<String, BreakerStats> breakerStats() {
        Map<String, BreakerStats> out = new LinkedHashMap<>();
        for (RoutePipeline p : ordered) {
            if (p.breaker != null) {
                out.put(p.route.path(), p.breaker.stats());
            }
        }
        return out;
    }

    // ---- stats and health ----

    private List<RoutePipeline> coalescing() {
        return ordered.stream().filter(p -> p.coalescer != null).toList();
    }

    /** Every route's coalescer figures summed; avg wait weighted by finished callers. */
    CoalescerStats aggregate() {
        long total = 0, coalesced = 0, made = 0, timeouts = 0, cancels = 0, overflows = 0, errors = 0;
        int peak = 0, pending = 0, waiters = 0, maxWaiters = 0;
        double waitSum = 0;
        long finished = 0;
        for (RoutePipeline p : coalescing()) {
            CoalescerStats s = p.coalescer.stats();
            total += s.totalRequests();
            coalesced += s.coalescedRequests();
            made += s.apiCallsMade();
            timeouts += s.timeouts();
            cancels += s.cancellations();
            overflows += s.overflows();
            errors += s.errors();
            peak = Math.max(peak, s.maxConcurrentWaiters());
            pending += s.pendingKeys();
            waiters += s.currentWaiters();
            maxWaiters += s.maxWaiters();
            long done = Math.max(0, s.totalRequests() - s.overflows() - s.currentWaiters());
            waitSum += s.avgWaitTimeMs() * done;
            finished += done;
        }
        double hitRate = total == 0 ? 0 : Math.round(coalesced * 10_000.0 / total) / 100.0;
        double avg = finished == 0 ? 0 : Math.round(waitSum / finished * 1000) / 1000.0;
        CoalescerStats.Status worst = CoalescerStats.Status.HEALTHY;
        for (RoutePipeline p : coalescing()) {
            CoalescerStats.Status s = p.coalescer.stats().status();
            if (s.ordinal() > worst.ordinal()) {
                worst = s;
            }
        }
        return new CoalescerStats(total, coalesced, made, coalesced, hitRate, avg, peak, pending, waiters, timeouts,
                cancels, overflows, errors, maxWaiters, worst);
    }

    private ReadPathViews.Stats statsBody() {
        Map<String, ReadPathViews.RouteCoalescer> routes = new LinkedHashMap<>();
        for (RoutePipeline p : coalescing()) {
            RouteConfig.Coalesce c = p.route.coalesce();
            routes.put(p.route.path(), new ReadPathViews.RouteCoalescer(ReadPathViews.Coalescer.of(p.coalescer.stats()),
                    (c != null ? c.maxWait() : RoutePipeline.DEFAULT_MAX_WAIT).toMillis() / 1000.0));
        }
        return new ReadPathViews.Stats(ReadPathViews.Coalescer.of(aggregate()), routes);
    }

    private void stats(RoutingContext ctx) {
        JsonResponses.send(ctx, 200, statsBody());
    }

    private void dedupHealth(RoutingContext ctx) {
        CoalescerStats s = aggregate();
        ReadPathViews.Thresholds thresholds = new ReadPathViews.Thresholds(
                "waiters >= " + (int) (CoalescerStats.WARNING_UTILISATION * 100)
                        + "% of max-waiters, or > " + (int) (CoalescerStats.WARNING_FAILED_SHARE * 100)
                        + "% of requests timed out or overflowed",
                "waiters >= " + (int) (CoalescerStats.DEGRADED_UTILISATION * 100)
                        + "% of max-waiters, or > " + (int) (CoalescerStats.DEGRADED_FAILED_SHARE * 100)
                        + "% of requests timed out or overflowed");
        JsonResponses.send(ctx, s.status() == CoalescerStats.Status.DEGRADED ? 503 : 200,
                new ReadPathViews.DedupHealth(s.status().label(), s.status() == CoalescerStats.Status.HEALTHY,
                        s.pendingKeys(), s.currentWaiters(), s.hitRatePercent(), thresholds));
    }

    private void reset(RoutingContext ctx) {
        coalescing().forEach(p -> p.coalescer.resetStats());
        JsonResponses.send(ctx, 200, new ReadPathViews.Reset("reset", gateway.ticker().epochMillis()));
    }

    private static HealthStatus toHealth(CoalescerStats.Status s) {
        return s == CoalescerStats.Status.DEGRADED ? HealthStatus.DEGRADED : HealthStatus.UP;
    }

    @Override
    public void close() {
        try {
            flights.closer().close();
        } catch (Exception ignored) {
            // closing a pub/sub connection: nothing to do about a failure
        }
    }

    @Override
    public HealthReport health() {
        CoalescerStats agg = aggregate();
        HealthStatus status = toHealth(agg.status());
        Map<String, ReadPathViews.Cache> caches = new LinkedHashMap<>();
        Map<String, ReadPathViews.Breaker> breakers = new LinkedHashMap<>();
        for (RoutePipeline p : ordered) {
            if (p.cache != null) {
                caches.put(p.route.path(), ReadPathViews.Cache.of(p.cache.stats()));
            }
            if (p.breaker != null) {
                BreakerStats b = p.breaker.stats();
                if (b.state() != BreakerState.CLOSED) {
                    status = status.worst(HealthStatus.DEGRADED);
                }
                breakers.put(p.route.path(), ReadPathViews.Breaker.of(b));
            }
        }
        return new HealthReport(status, new ReadPathViews.Health(ordered.size(), ReadPathViews.Coalescer.of(agg),
                caches, breakers));
    }
}
