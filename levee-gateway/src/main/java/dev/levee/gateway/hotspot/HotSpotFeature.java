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
import dev.levee.core.hotspot.HotSpotSettings;
import dev.levee.core.hotspot.HotSpotSnapshot;
import dev.levee.core.hotspot.KeyExtractor;
import dev.levee.core.hotspot.KeyUsage;
import dev.levee.core.hotspot.Permit;
import dev.levee.core.hotspot.WindowStore;
import dev.levee.core.time.Scheduler;
import dev.levee.gateway.GatewayContext;
import dev.levee.gateway.GatewayFeature;
import dev.levee.gateway.chain.EventLoop;
import dev.levee.gateway.chain.RequestState;
import dev.levee.gateway.chain.RequestTrace;
import io.opentelemetry.api.trace.Span;
import dev.levee.gateway.config.ConfigChanges;
import dev.levee.gateway.config.HotSpotsConfig;
import dev.levee.gateway.config.LeveeConfig;
import dev.levee.gateway.http.HttpError;
import io.vertx.ext.web.Router;
import dev.levee.gateway.config.RouteConfig;
import dev.levee.gateway.http.JsonResponses;
import dev.levee.gateway.ops.HealthReport;
import dev.levee.gateway.ops.HealthStatus;
import dev.levee.gateway.ops.OpsEndpoints;
import dev.levee.gateway.ops.RouteMeters;
import dev.levee.gateway.store.StoreFeature;
import dev.levee.gateway.store.WindowStores;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Hot-spot protection in the gateway: per route with a {@code hot-spot} block, upstream calls per key (the fixture
 * id) go through an exact sliding window with a bounded wait queue; a caller that cannot get a slot in time gets
 * 429 {@code {"error":"Too many requests for this resource","retry_after":N,"key":"..."}} with Retry-After N.
 *
 * <p>Where calls are counted, exactly once per upstream call:
 * <ul>
 *   <li>{@link #readStage}: the read path's hot-spot stage of a route (core's {@code ReadPath} with this route's
 *       limiter), handed to the read path at construction: each load (cache miss or refresh, after coalescing)
 *       takes a slot of every key of the request that starts it, below the breaker, and releases it when the load
 *       completes;</li>
 *   <li>{@link #guardProxy} (stage {@code HOT_SPOT_PROXY}): a hot-spot route's request that reached it, i.e. one the
 *       read path did not serve (methods other than GET/HEAD, or no read path at all), acquires a slot and continues
 *       to the plain proxy; the slot is released when its response ends.</li>
 * </ul>
 * A request the read path serves (ends) never reaches the proxy guard, so no request is counted twice. A new stage
 * that calls the upstream for a hot-spot route must take its slot through this feature's limiter itself.
 *
 * <p>Warming requests (see {@link CacheWarmer}) carry {@link Warming#HEADER}; the {@link Warming} stage tells them
 * apart for admission and removes the header from every request, and the read path never forwards it either.
 */
public final class HotSpotFeature implements GatewayFeature {

    public static final String HEALTH_PATH = "/health/hot-spots";

    /**
     * The hot-spot stage of a route's read path: the route's limiter, and the hot keys of the request that starts a
     * load (every distinct key, see {@link KeyExtractor#extractAll}; a request without one is counted as unkeyed
     * and spends no slot).
     */
    public record ReadStage(HotSpotLimiter limiter,
                            Function<HttpServerRequest, Supplier<Collection<String>>> hotKeys) {}

    /** One hot-spot route: its limiter and key extractor. */
    private record RouteLimiter(RouteConfig route, KeyExtractor extractor, HotSpotLimiter limiter,
                                LongAdder unkeyed) {}

    private final GatewayContext gw;
    private final HotSpotsConfig config;
    private final WindowStore store;
    private volatile Map<String, RouteLimiter> routes; // a reload replaces it; a request reads it once
    private final HotSpotMetrics metrics;
    private final CacheWarmer warmer;
    private volatile int port;
    private volatile Scheduler.Cancellable metricsTimer;
    private volatile boolean closed;

    public HotSpotFeature(GatewayContext gw) {
        this.gw = gw;
        this.config = gw.config().hotSpots();
        this.port = gw.config().server().port();
        this.store = WindowStores.forConfig(gw, config.maxKeys()); // memory, or Redis with a local fallback
        this.metrics = new HotSpotMetrics(gw.registry(), config.metricsTopK());
        Map<String, RouteLimiter> built = new LinkedHashMap<>();
        for (RouteConfig r : gw.config().routes()) {
            if (r.hotSpot() != null && !built.containsKey(r.path())) {
                built.put(r.path(), limiterOf(r));
            }
        }
        this.routes = built;
        scheduleMetrics();
        if (config.warming().enabled()) {
            warmer = new CacheWarmer(gw, config.warming(), () -> port, Warming.token());
            warmer.start();
        } else {
            warmer = null;
        }
    }

    /** A new window for hot-spot route {@code r}, its meters bound. */
    private RouteLimiter limiterOf(RouteConfig r) {
        RouteConfig.HotSpot h = java.util.Objects.requireNonNull(r.hotSpot(), "hot-spot");
        HotSpotLimiter limiter = HotSpotLimiter.builder()
                .limit(h.limit()).window(h.window()).queueCapacity(h.queue()).maxWait(h.maxWait())
                .maxKeys(config.maxKeys()).alertThreshold(config.alertThreshold())
                .topKeys(config.sketchCounters())
                .store(store).namespace(r.path() + "|") // routes share one store
                .ticker(gw.ticker()).scheduler(gw.scheduler())
                .build();
        metrics.bind(r.path(), limiter);
        return new RouteLimiter(r, KeyExtractor.parse(h.key()), limiter, new LongAdder());
    }

    /**
     * A config reload: a route whose {@code hot-spot} block is unchanged keeps its window (counts, queue, alerts);
     * a changed one gets a new window on the same store namespace (so the calls counted go on counting against
     * the new limit), and the old one, with its waiters, closes only after the requests in flight are done.
     */
    @Override
    public synchronized List<String> reconfigure(LeveeConfig old, LeveeConfig next) {
        Map<String, RouteLimiter> running = routes;
        Map<String, RouteLimiter> built = new LinkedHashMap<>();
        for (RouteConfig r : next.routes()) {
            RouteConfig.HotSpot h = r.hotSpot();
            if (h == null || built.containsKey(r.path())) {
                continue;
            }
            RouteLimiter was = running.get(r.path());
            if (was != null && h.equals(was.route().hotSpot())) {
                built.put(r.path(), new RouteLimiter(r, was.extractor(), was.limiter(), was.unkeyed()));
            } else {
                if (was != null) {
                    RouteMeters.remove(gw.registry(), r.path(), List.of("levee.hotspot."));
                }
                built.put(r.path(), limiterOf(r));
            }
        }
        List<HotSpotLimiter> retired = new ArrayList<>();
        running.forEach((path, rl) -> {
            RouteLimiter now = built.get(path);
            if (now == null || now.limiter() != rl.limiter()) {
                retired.add(rl.limiter());
                if (now == null) {
                    RouteMeters.remove(gw.registry(), path, List.of("levee.hotspot."));
                    metrics.unbind(path);
                }
            }
        });
        boolean wasIdle = running.isEmpty();
        this.routes = built;
        if (!retired.isEmpty()) {
            long afterNanos = ConfigChanges.retireAfter(old).toNanos();
            gw.scheduler().schedule(() -> retired.forEach(HotSpotLimiter::close), afterNanos, TimeUnit.NANOSECONDS);
        }
        if (wasIdle) {
            scheduleMetrics(); // the first hot-spot route: its top-K series get refreshed from now on
        }
        return List.of();
    }

    @Override
    public String name() {
        return "hot_spots";
    }

    @Override
    public void mountOps(Router router) {
        router.get(HEALTH_PATH).handler(ctx -> OpsEndpoints.sendSection(ctx, health()));
    }

    /** Warming requests go to the gateway's own public port. */
    @Override
    public void listening(int port) {
        this.port = port;
    }

    /** The read path's hot-spot stage of {@code route}, empty if the route has no hot-spot block. */
    public Optional<ReadStage> readStage(RouteConfig route) {
        RouteLimiter rl = routes.get(route.path());
        if (rl == null) {
            return Optional.empty();
        }
        // the keys are read from the request here, on its event loop; a load may start on another thread (a Redis
        // flight coordinator's), where only the extracted list is used, and an unkeyed read counts only if it loads
        return Optional.of(new ReadStage(rl.limiter(), request -> {
            List<String> keys;
            try {
                keys = rl.extractor().extractAll(RequestViews.of(request));
            } catch (IllegalArgumentException e) {
                return () -> {
                    throw e;
                };
            }
            return () -> {
                if (keys.isEmpty()) {
                    rl.unkeyed().increment();
                }
                return keys;
            };
        }));
    }

    /**
     * {@link dev.levee.gateway.chain.Stage#HOT_SPOT_PROXY}: takes a slot for a hot-spot route's request the read path
     * did not serve (the read path ends what it serves), then lets it reach the proxy.
     */
    public void guardProxy(RoutingContext ctx) {
        RouteConfig route = RequestState.of(ctx).route();
        RouteLimiter rl = route == null ? null : routes.get(route.path());
        if (rl == null) {
            ctx.next();
            return;
        }
        String key;
        try {
            key = rl.extractor().extract(RequestViews.of(ctx.request()));
        } catch (IllegalArgumentException e) { // malformed percent-encoding: no key to count it by
            JsonResponses.sendError(ctx, HttpError.badRequest("Malformed query string"));
            return;
        }
        if (key == null) {
            rl.unkeyed().increment();
            ctx.next();
            return;
        }
        Span wait = RequestState.of(ctx).trace().start("hot-spot wait");
        wait.setAttribute(RequestTrace.HOT_SPOT_KEY, key);
        CompletableFuture<Permit> slot = rl.limiter().acquire(key);
        if (!slot.isDone()) {
            ctx.response().closeHandler(v -> slot.cancel(false)); // a client that leaves gives its place up
        }
        EventLoop.resume(slot).onComplete(ar -> {
            if (ar.failed()) {
                RequestState.of(ctx).hotSpot(key, "rejected");
                JsonResponses.sendError(ctx, ar.cause()); // a rejection: 429 with the real Retry-After
                RequestTrace.failed(wait, RequestState.of(ctx).rejectReason());
                return;
            }
            wait.end();
            Permit permit = ar.result();
            if (ctx.response().closed() || ctx.response().ended()) {
                permit.refund();
                return;
            }
            ctx.addEndHandler(v -> permit.release());
            RequestState.of(ctx).hotSpot(key, "allowed");
            ctx.next();
        });
    }

    private void scheduleMetrics() {
        if (closed || routes.isEmpty()) {
            return;
        }
        metricsTimer = gw.scheduler().schedule(() -> {
            try {
                metrics.refresh();
            } finally {
                scheduleMetrics();
            }
        }, config.metricsRefresh().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The limiter of the route with path prefix {@code routePath}, or null. */
    public HotSpotLimiter limiter(String routePath) {
        RouteLimiter rl = routes.get(routePath);
        return rl == null ? null : rl.limiter();
    }

    HotSpotMetrics metrics() {
        return metrics;
    }

    CacheWarmer warmer() {
        return warmer;
    }

    @Override
    public HealthReport health() {
        long requests = 0, granted = 0, rejected = 0, queueFull = 0, tooLong = 0, timeout = 0, exhausted = 0;
        long alerts = 0, unkeyed = 0, callsInWindow = 0;
        int queued = 0, inFlight = 0, alerting = 0, tracked = 0;
        boolean keysFull = false;
        List<HotKey> top = new ArrayList<>();
        Map<String, RouteView> perRoute = new LinkedHashMap<>();
        for (RouteLimiter rl : routes.values()) {
            HotSpotSnapshot s = rl.limiter().snapshot(10);
            HotSpotSettings set = rl.limiter().settings();
            requests += s.requests();
            granted += s.granted();
            rejected += s.rejected();
            queueFull += s.rejectedQueueFull();
            tooLong += s.rejectedWaitTooLong();
            timeout += s.rejectedTimeout();
            exhausted += s.rejectedKeysExhausted();
            queued += s.queued();
            inFlight += s.inFlight();
            alerts += s.alerts();
            alerting += s.alerting();
            tracked += s.trackedKeys();
            callsInWindow += s.callsInWindow();
            unkeyed += rl.unkeyed().sum();
            keysFull |= s.trackedKeys() >= set.maxKeys();
            perRoute.put(rl.route().path(), new RouteView(rl.extractor().toString(), set.limit(),
                    set.window().toMillis() / 1000.0, set.queueCapacity(), set.maxWait().toMillis() / 1000.0,
                    set.alertAt(), s.requests(), s.granted(), s.rejected(), s.queued(), s.alerting(),
                    s.trackedKeys()));
            for (KeyUsage u : s.top()) {
                top.add(new HotKey(rl.route().path(), u.key(), u.callsInWindow(), u.limit(),
                        Math.round(u.usagePercent() * 10) / 10.0, u.queueDepth(), u.rejected(), u.alerting(),
                        Math.round(u.callsPerMinute() * 10) / 10.0));
            }
        }
        top.sort(Comparator.comparingDouble((HotKey k) -> -k.callsPerMinute()));
        List<HotKey> top10 = top.size() > 10 ? List.copyOf(top.subList(0, 10)) : top;
        Totals totals = new Totals(requests, granted, rejected, new RejectedByReason(queueFull, tooLong, timeout,
                exhausted), queued, inFlight, callsInWindow, alerts, alerting, tracked, store.size(), config.maxKeys(),
                unkeyed);
        Section details = new Section(storeNow(), config.alertThreshold(), totals, top10, perRoute,
                warmer == null ? new CacheWarmer.Disabled(false) : warmer.report());
        // every key slot active: new keys share one overflow window (exact, but one budget for all of them)
        return new HealthReport(keysFull ? HealthStatus.DEGRADED : HealthStatus.UP, details);
    }

    /**
     * Where the windows are decided right now: {@code memory}, {@code redis}, or {@code "redis (local fallback)"}
     * while Redis is unreachable and a local window at {@code limit / expected-instances} decides (the store
     * section has the details).
     */
    private String storeNow() {
        String type = gw.config().store().type().name();
        StoreFeature s = gw.find(StoreFeature.class).orElse(null);
        return s != null && s.redis() != null && !s.windowsShared() ? type + " (local fallback)" : type;
    }

    /** {@code GET /health/hot-spots} and the {@code hot_spots} section of {@code /health}. */
    record Section(String store, double alertThreshold, Totals totals, List<HotKey> top, Map<String, RouteView> routes,
                   Object warming) {}

    /** Every hot-spot route together. */
    record Totals(long requests, long granted, long rejected, RejectedByReason rejectedByReason, int queued,
                  int inFlight, long callsInWindow, long alerts, int alertingKeys, int trackedKeys, long storeKeys,
                  int maxKeys, long unkeyedRequests) {}

    record RejectedByReason(long queueFull, long waitTooLong, long waitTimeout, long keysExhausted) {}

    /** One route's window settings and figures. */
    record RouteView(String key, int limit, double windowSeconds, int queue, double maxWaitSeconds, int alertAt,
                     long requests, long granted, long rejected, int queued, int alertingKeys, int trackedKeys) {}

    /** One of the busiest keys ({@code overflow_count}: calls refused for this key). */
    record HotKey(String route, String key, int callsInWindow, int limit, double usagePercent, int queueDepth,
                  long overflowCount, boolean alert, double callsPerMinute) {}


    @Override
    public void close() {
        closed = true;
        Scheduler.Cancellable t = metricsTimer;
        if (t != null) {
            t.cancel();
        }
        if (warmer != null) {
            warmer.close();
        }
        routes.values().forEach(rl -> rl.limiter().close());
        store.close();
    }
}
