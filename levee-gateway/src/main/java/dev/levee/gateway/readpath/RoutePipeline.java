package dev.levee.gateway.readpath;

import dev.levee.core.breaker.BreakerOpenException;
import dev.levee.core.breaker.UpstreamBreaker;
import dev.levee.core.breaker.Verdict;
import dev.levee.core.cache.CachePolicy;
import dev.levee.core.cache.CacheResult;
import dev.levee.core.cache.CacheStatus;
import dev.levee.core.cache.SwrCache;
import dev.levee.core.coalesce.CoalescerOverflowException;
import dev.levee.core.coalesce.CoalescerTimeoutException;
import dev.levee.core.coalesce.FlightCoordinator;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.gateway.GatewayContext;
import dev.levee.gateway.GatewayFeature;
import dev.levee.gateway.config.RouteConfig;
import dev.levee.gateway.http.HttpError;
import dev.levee.gateway.http.JsonResponses;
import dev.levee.gateway.upstream.UpstreamClient;
import dev.levee.gateway.upstream.UpstreamFetcher;
import dev.levee.gateway.upstream.UpstreamRequest;
import dev.levee.gateway.upstream.UpstreamResponse;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * The read path of one configured route: cache -> coalescer -> batcher -> fetch decorators of other features
 * (hot-spot window) -> breaker -> upstream. Each stage is present only if the route declares its block, except the
 * breaker, present unless the route turns it off; a route with a cache always gets a coalescer (the cache's single
 * refresh goes through it).
 */
final class RoutePipeline {
    static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(5);

    final RouteConfig route;
    final RequestCoalescer<String, UpstreamResponse> coalescer; // null when the route has neither cache nor coalesce
    final SwrCache<String, UpstreamResponse> cache;             // null without cache:
    final UpstreamBreaker breaker;                              // null with breaker: { enabled: false }
    final Batcher batcher;                                      // null without batch:
    private final CachePolicy policy;
    private final GatewayContext gateway;
    private final GatewayFeature self;
    private final UpstreamFetcher bottom;
    private volatile UpstreamFetcher decorated;

    RoutePipeline(GatewayContext gateway, GatewayFeature self, RouteConfig route,
                  FlightCoordinator<String, UpstreamResponse> coordinator) {
        this.gateway = gateway;
        this.self = self;
        this.route = route;
        RouteConfig.Coalesce c = route.coalesce();
        if (c != null || route.cache() != null) {
            var b = RequestCoalescer.<String, UpstreamResponse>builder()
                    .ticker(gateway.ticker()).scheduler(gateway.scheduler()).coordinator(coordinator);
            if (c != null) {
                b.maxWait(c.maxWait()).maxWaitersPerKey(c.maxWaitersPerKey()).maxWaiters(c.maxWaiters());
            }
            this.coalescer = b.build();
        } else {
            this.coalescer = null;
        }
        RouteConfig.Cache cc = route.cache();
        if (cc != null) {
            this.policy = new CachePolicy(cc.fresh(), cc.stale(), cc.errorTtl());
            this.cache = SwrCache.<String, UpstreamResponse>builder()
                    .ticker(gateway.ticker())
                    .coalescer(coalescer)
                    .maxEntries(cc.maxEntries())
                    .maxBytes(cc.maxSize().bytes())
                    .weigher(RoutePipeline::weigh)
                    .storable(RoutePipeline::storable)
                    .cacheableError(RoutePipeline::cacheableError)
                    .build();
        } else {
            this.policy = null;
            this.cache = null;
        }
        RouteConfig.Breaker bc = route.breaker();
        // slow calls are counted on the gateway's scheduler as they cross slow-call-duration; a request the
        // upstream client refused before sending (max-in-flight) is not an upstream outcome
        this.breaker = bc == null ? null : UpstreamBreaker.builder(route.path())
                .ticker(gateway.ticker()).scheduler(gateway.scheduler())
                .ignoreErrors(UpstreamClient::refusedLocally)
                .failureRateThreshold(bc.failureRateThreshold())
                .slowCallRateThreshold(bc.slowCallRateThreshold())
                .slowCallDuration(bc.slowCallDuration())
                .minimumCalls(bc.minimumCalls())
                .windowSize(bc.windowSize())
                .openFor(bc.openFor())
                .halfOpenProbes(bc.halfOpenProbes())
                .build();
        UpstreamFetcher upstream = gateway.upstream()::fetch;
        this.bottom = breaker == null ? upstream : req -> Future.fromCompletionStage(
                breaker.execute(() -> upstream.fetch(req).toCompletionStage(), RoutePipeline::classify));
        this.batcher = route.batch() == null ? null : new Batcher(route.batch(), gateway.scheduler(), this::decorated);
    }

    /**
     * The breaker wrapped by every other feature's decorator. Resolved at the first request, when every feature
     * exists (features registered after the read path are not built yet when it is).
     */
    private UpstreamFetcher decorated() {
        UpstreamFetcher d = decorated;
        if (d == null) {
            d = bottom;
            for (GatewayFeature f : List.copyOf(gateway.features())) {
                if (f != self) {
                    d = f.decorateFetch(route, d);
                }
            }
            decorated = d;
        }
        return d;
    }

    // ---- classification ----

    static Verdict classify(UpstreamResponse r) {
        if (r.status() == 429) {
            Duration retryAfter = retryAfter(r.headers().get("Retry-After"));
            return Verdict.rateLimited(retryAfter);
        }
        return r.status() >= 500 ? Verdict.FAILURE : Verdict.SUCCESS;
    }

    /** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException ignored) {
                return null;
            }
        }
    }

    static boolean failing(UpstreamResponse r) {
        return r.status() >= 500 || r.status() == 429;
    }

    static long weigh(UpstreamResponse r) {
        long size = 128 + r.body().length();
        for (var h : r.headers()) {
            size += h.getKey().length() + h.getValue().length() + 8;
        }
        return size;
    }

    static boolean storable(UpstreamResponse r) {
        int s = r.status();
        boolean cacheableStatus = (s >= 200 && s < 300) || s == 301 || s == 404 || s == 410;
        if (!cacheableStatus || r.headers().contains("Set-Cookie")) {
            return false;
        }
        String cc = r.headers().get("Cache-Control");
        if (cc != null) {
            String l = cc.toLowerCase(Locale.ROOT);
            return !l.contains("no-store") && !l.contains("private");
        }
        return true;
    }

    /** Upstream failures are remembered briefly; our own refusals (breaker, waiter bounds) are not. */
    static boolean cacheableError(Throwable e) {
        return e instanceof UpstreamErrorResponse
                || (e instanceof HttpError he && (he.status() == 502 || he.status() == 504));
    }

    // ---- serving ----

    void serve(RoutingContext ctx) {
        ctx.request().resume(); // a GET/HEAD body is never used; with no handler set it is discarded
        String key = CacheKeys.keyFor(ctx, route);
        String batchValue = null;
        String batchGroup = null;
        if (batcher != null) {
            List<String> values = CacheKeys.parameters(ctx.request().uri()).get(batcher.param());
            if (values != null && values.size() == 1) {
                batchValue = values.get(0);
                batchGroup = CacheKeys.keyFor(ctx, route, batcher.param());
            }
        }
        String value = batchValue;
        String group = batchGroup;
        // built only when a load starts (always synchronously, inside get/join), so cache hits skip the header copy
        Context origin = Vertx.currentContext();
        Supplier<CompletionStage<UpstreamResponse>> fetch = () -> {
            UpstreamRequest request = new UpstreamRequest(HttpMethod.GET, ctx.request().uri(),
                    sharedHeaders(ctx), null);
            Future<UpstreamResponse> f = value != null ? batcher.fetch(request, group, value) : decorated().fetch(request);
            return f.toCompletionStage().thenApply(r -> {
                if (failing(r)) {
                    throw new UpstreamErrorResponse(r);
                }
                return r;
            });
        };
        // a Redis flight coordinator starts a fetch from its own threads: run it on the request's event loop
        Supplier<CompletionStage<UpstreamResponse>> loader = () -> {
            if (origin == null || Vertx.currentContext() == origin) {
                return fetch.get();
            }
            CompletableFuture<UpstreamResponse> hop = new CompletableFuture<>();
            origin.runOnContext(v -> {
                try {
                    fetch.get().whenComplete((r, e) -> {
                        if (e == null) {
                            hop.complete(r);
                        } else {
                            hop.completeExceptionally(e);
                        }
                    });
                } catch (Throwable t) {
                    hop.completeExceptionally(t);
                }
            });
            return hop;
        };
        CompletableFuture<Served> served;
        if (cache != null) {
            CompletableFuture<CacheResult<UpstreamResponse>> mine = cache.get(key, policy, loader);
            if (mine.isDone() && !mine.isCompletedExceptionally()) { // hit or stale: answer right here
                write(ctx, fromCache(mine.join()), null);
                return;
            }
            // a client that goes away gives up its waiter slot; the shared fetch goes on
            ctx.response().closeHandler(v -> mine.cancel(false));
            served = mine.thenApply(RoutePipeline::fromCache);
        } else if (coalescer != null) {
            RequestCoalescer.Call<UpstreamResponse> call = coalescer.join(key, loader);
            CacheStatus status = call.leader() ? CacheStatus.MISS : CacheStatus.COALESCED;
            CompletableFuture<UpstreamResponse> mine = call.result();
            served = mine.thenApply(r -> new Served(r, status, Duration.ZERO, null));
            ctx.response().closeHandler(v -> mine.cancel(false));
        } else {
            served = loader.get().toCompletableFuture().thenApply(r -> new Served(r, CacheStatus.MISS, Duration.ZERO, null));
        }
        reply(ctx, served);
    }

    /**
     * Headers that would make the upstream's answer specific to the leader are dropped, because the answer is
     * shared with every waiter and stored: conditional and range headers (a 304 or 206 for one client is wrong
     * for the others), Accept-Encoding (a waiter may not accept the leader's encoding; we ask for identity) and
     * X-Forwarded-Host (the leader's Host header: an upstream that reflects it would have one client write what
     * every other reads; the cache key does not hold it).
     */
    private static final List<String> LEADER_ONLY = List.of("Accept-Encoding", "If-None-Match", "If-Modified-Since",
            "If-Match", "If-Unmodified-Since", "If-Range", "Range", "X-Forwarded-Host");

    private MultiMap sharedHeaders(RoutingContext ctx) {
        MultiMap headers = gateway.upstream().proxyHeaders().forRequest(ctx.request());
        LEADER_ONLY.forEach(headers::remove);
        return headers;
    }

    record Served(UpstreamResponse response, CacheStatus status, Duration age, Throwable staleError) {}

    private static Served fromCache(CacheResult<UpstreamResponse> r) {
        return new Served(r.value(), r.status(), r.age(), r.staleError());
    }

    private void reply(RoutingContext ctx, CompletableFuture<Served> served) {
        Context context = Vertx.currentContext();
        served.whenComplete((s, err) -> {
            if (context == null || Vertx.currentContext() == context) {
                write(ctx, s, err);
            } else {
                context.runOnContext(v -> write(ctx, s, err));
            }
        });
    }

    private void write(RoutingContext ctx, Served s, Throwable err) {
        HttpServerResponse resp = ctx.response();
        if (resp.ended() || resp.closed()) {
            return;
        }
        if (err != null) {
            Throwable cause = unwrap(err);
            if (cause instanceof UpstreamErrorResponse uer) {
                // shared with every waiter and remembered for error-ttl: never the leader's cookies
                send(ctx, uer.response(), "MISS", Duration.ZERO, false);
                return;
            }
            JsonResponses.sendError(ctx, toHttpError(cause));
            return;
        }
        String xCache = switch (s.status()) {
            case HIT -> "HIT";
            case STALE, STALE_IF_ERROR -> "STALE";
            case MISS -> "MISS";
            case COALESCED -> "COALESCED";
        };
        if (s.status() == CacheStatus.STALE) {
            resp.putHeader("Warning", "110 - \"Response is Stale\"");
        } else if (s.status() == CacheStatus.STALE_IF_ERROR) {
            resp.putHeader("Warning", "111 - \"Revalidation Failed\"");
            resp.putHeader(STALE_REASON, s.staleError() instanceof BreakerOpenException ? "circuit-open" : "upstream-error");
        }
        send(ctx, s.response(), xCache, s.age(), s.status() == CacheStatus.MISS);
    }

    static final String STALE_REASON = "X-Levee-Stale-Reason";

    private static void send(RoutingContext ctx, UpstreamResponse r, String xCache, Duration age,
                             boolean keepCookies) {
        HttpServerResponse resp = ctx.response();
        resp.setStatusCode(r.status());
        MultiMap headers = resp.headers();
        // a cookie the upstream set for the leader's request is the leader's: waiters and cache readers never get
        // it (responses with Set-Cookie are not stored, so only coalesced waiters could see it)
        for (var h : r.headers()) {
            String name = h.getKey();
            if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Transfer-Encoding")
                    && (keepCookies || !name.equalsIgnoreCase("Set-Cookie"))) {
                headers.add(name, h.getValue());
            }
        }
        headers.set("X-Cache", xCache);
        headers.set("Age", Long.toString(age.toSeconds()));
        if (ctx.request().method() == HttpMethod.HEAD) {
            headers.set("Content-Length", Integer.toString(r.body().length()));
            resp.end();
        } else {
            resp.end(r.body());
        }
    }

    static HttpError toHttpError(Throwable cause) {
        if (cause instanceof HttpError he) {
            return he;
        }
        if (cause instanceof CoalescerTimeoutException te) {
            return HttpError.of(504, "Upstream timeout").with("reason", "waited max-wait for a shared upstream call")
                    .with("max_wait_ms", te.maxWait().toMillis());
        }
        if (cause instanceof CoalescerOverflowException) {
            return HttpError.withRetryAfter(503, "Too many waiting requests", 1);
        }
        if (cause instanceof BreakerOpenException be) {
            long seconds = Math.max(1, (be.retryAfter().toMillis() + 999) / 1000);
            return HttpError.withRetryAfter(503, "Upstream circuit open", seconds);
        }
        return HttpError.of(502, "Upstream error").with("detail", String.valueOf(cause.getMessage()));
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
