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

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.levee.core.breaker.BreakerOpenException;
import dev.levee.core.breaker.UpstreamBreaker;
import dev.levee.core.breaker.Verdict;
import dev.levee.core.cache.CachePolicy;
import dev.levee.core.cache.CacheResult;
import dev.levee.core.cache.CacheStatus;
import dev.levee.core.cache.SwrCache;
import dev.levee.core.coalesce.FlightCoordinator;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.readpath.ReadPath;
import dev.levee.gateway.GatewayContext;
import dev.levee.gateway.config.RouteConfig;
import dev.levee.gateway.hotspot.HotSpotFeature;
import dev.levee.gateway.http.HttpError;
import dev.levee.gateway.http.ErrorMapper;
import dev.levee.gateway.chain.EventLoop;
import dev.levee.gateway.chain.RequestState;
import dev.levee.gateway.chain.RequestTrace;
import dev.levee.gateway.http.JsonResponses;
import dev.levee.gateway.http.RequestTargets;
import dev.levee.gateway.upstream.UpstreamClient;
import dev.levee.gateway.upstream.UpstreamFetcher;
import dev.levee.gateway.upstream.UpstreamRequest;
import dev.levee.gateway.upstream.UpstreamResponse;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import static dev.levee.gateway.chain.RequestTrace.CACHE_STATUS;
import static dev.levee.gateway.chain.RequestTrace.HOT_SPOT_KEY;
import static dev.levee.gateway.chain.RequestTrace.SERVER_ADDRESS;

/**
 * The read path of one configured route: core's {@link ReadPath} (cache -> coalescer -> hot-spot window -> breaker)
 * over this route's loader (batcher -> upstream). Each stage is present only if the route declares its block, except
 * the breaker, present unless the route turns it off; a route with a cache always gets a coalescer (the cache's
 * single refresh goes through it). The hot-spot window is the route's limiter of {@link HotSpotFeature}, handed over
 * at construction; the hot keys of a load are those of the request that starts it. What stays here is HTTP: the
 * key ({@link CacheKeys}), the forwarded request, Vary, the hop to the request's event loop, the response.
 *
 * <p>What is forwarded is what is keyed: the canonical path ({@link RequestTargets#canonicalPath}) with the query as
 * sent, the headers of {@link #sharedHeaders}; the key is {@link CacheKeys} over the same request.
 *
 * <p>Upstream caching headers ({@link UpstreamCaching}): with {@code cache.honor-upstream-cache-control} (default)
 * {@code no-store}, {@code no-cache}, {@code private} and a zero lifetime are not stored and {@code s-maxage} /
 * {@code max-age} / {@code must-revalidate} narrow the route's fresh and stale ({@link #storable}, the cache's
 * entry policy). {@code Vary} is honoured on every route, with or without that option:
 * <ul>
 *   <li>{@code Vary: *} (or a list too long to key on) is never stored, and an answer carrying it is never handed
 *       to a request other than the one it was fetched for: coalesced waiters fetch for themselves.</li>
 *   <li>{@code Vary: h1, h2}: the names are learned per resource (path and query) in {@link #varied}, a bounded
 *       map, and from then on the key holds a digest of the forwarded values of those headers, so each variant is
 *       its own entry and its own flight. Because the names are only known once an answer arrived, every answer
 *       that varies also carries {@link #VARY_TAG}, the digest of the values its own request sent; whoever else
 *       receives it (a waiter that joined the flight before the names were known, a cache reader after the map
 *       forgot them, another instance through Redis) compares the tag with its own values ({@link #fit}). On a
 *       mismatch the request is served again under the now complete key, and if that still does not fit, by a
 *       fetch of its own. So the map only saves upstream calls; correctness rests on the tag, and both are
 *       bounded (at most {@link UpstreamCaching#MAX_VARY} names, at most one retry and one own fetch per
 *       request).</li>
 * </ul>
 */
final class RoutePipeline {
    static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(5);
    /** Bound of {@link #varied}, in key characters (plus a little per name). */
    static final long VARIED_MAX_CHARS = 4L << 20;

    final RouteConfig route;
    final RequestCoalescer<String, UpstreamResponse> coalescer; // null when the route has neither cache nor coalesce
    final SwrCache<String, UpstreamResponse> cache;             // null without cache:
    final UpstreamBreaker breaker;                              // null with breaker: { enabled: false }
    final Batcher batcher;                                      // null without batch:
    /** Cache or coalescer, hot-spot window, breaker: the route's shared reads. */
    private final ReadPath<String, UpstreamResponse> readPath;
    /** Hot-spot window and breaker only: a fetch for one request alone ({@link #ownFetch}). */
    private final ReadPath<String, UpstreamResponse> ownPath;
    private final Optional<HotSpotFeature.ReadStage> hotSpot;
    private final CachePolicy policy;
    private final boolean honorCacheControl;
    /**
     * Per resource ({@link CacheKeys#resource}: path and query), the request headers its upstream answers were seen
     * to vary on ({@code Vary}); they become part of the key. Bounded by weight; a forgotten entry costs only a
     * re-check (see {@link #fit}), never a wrong answer.
     */
    private final Cache<String, List<String>> varied;
    private final GatewayContext gateway;
    private final UpstreamFetcher upstream;
    private final String upstreamEndpoint; // host:port (the upstream's name if it has several), for the access log

    RoutePipeline(GatewayContext gateway, RouteConfig route, FlightCoordinator<String, UpstreamResponse> coordinator,
                  Optional<HotSpotFeature.ReadStage> hotSpot) {
        this.gateway = gateway;
        this.upstreamEndpoint = gateway.upstream().label(route.upstream());
        this.route = route;
        this.hotSpot = hotSpot;
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
            this.honorCacheControl = cc.honorUpstreamCacheControl();
            this.cache = SwrCache.<String, UpstreamResponse>builder()
                    .ticker(gateway.ticker())
                    .coalescer(coalescer)
                    .maxEntries(cc.maxEntries())
                    .maxBytes(cc.maxSize().bytes())
                    .weigher(RoutePipeline::weigh)
                    .storable(this::storable)
                    .entryPolicy((r, p) -> honorCacheControl ? UpstreamCaching.policyFor(r.headers(), p) : p)
                    .cacheableError(RoutePipeline::cacheableError)
                    .build();
        } else {
            this.policy = null;
            this.honorCacheControl = true; // coalescing only: Cache-Control private still keeps waiters apart
            this.cache = null;
        }
        this.varied = Caffeine.newBuilder()
                .maximumWeight(VARIED_MAX_CHARS)
                .<String, List<String>>weigher((k, v) -> k.length() + 16 * v.size())
                .build();
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
        this.upstream = gateway.upstream().fetcher(route.upstream()); // routes[].upstream, else the default
        // below the breaker: each coalesced load has spent its own key's slot and is its own breaker call
        this.batcher = route.batch() == null ? null : new Batcher(route.batch(), gateway.scheduler(), () -> upstream);
        ReadPath.Builder<String, UpstreamResponse> shared = ReadPath.builder();
        ReadPath.Builder<String, UpstreamResponse> own = ReadPath.builder();
        if (cache != null) {
            shared.cache(cache, policy);
        } else if (coalescer != null) {
            shared.coalescer(coalescer);
        }
        for (ReadPath.Builder<String, UpstreamResponse> b : List.of(shared, own)) {
            // hot keys come from the request that starts a load (see read), never from the cache key
            hotSpot.ifPresent(h -> b.hotSpot(h.limiter(), key -> List.of()));
            if (breaker != null) {
                b.breaker(breaker, this::classify);
            }
            b.failure(r -> failing(r) ? new UpstreamErrorResponse(r) : null);
        }
        this.readPath = shared.build();
        this.ownPath = own.build();
    }

    /** A read of {@code key} through {@code path}: the hot keys of a load it starts are {@code ctx}'s. */
    private CompletableFuture<CacheResult<UpstreamResponse>> read(ReadPath<String, UpstreamResponse> path,
            RoutingContext ctx, String key, Load loader) {
        if (hotSpot.isEmpty()) {
            return path.get(key, loader);
        }
        HotSpotFeature.ReadStage h = hotSpot.get();
        Supplier<Collection<String>> hotKeys = h.hotKeys().apply(ctx.request()); // read here, on the event loop
        RequestState state = RequestState.of(ctx);
        return path.get(key, () -> {
            // asked only when a load starts and its window decides: "allowed" unless the rejection says otherwise
            // (JsonResponses); the reply that reads it is ordered after this by the load's future
            Collection<String> keys = hotKeys.get();
            if (!keys.isEmpty()) {
                state.hotSpot(String.join(",", keys), "allowed");
                loader.hotSpotWait(String.join(",", keys));
            }
            return keys;
        }, loader);
    }

    // ---- classification ----

    Verdict classify(UpstreamResponse r) {
        if (r.status() == 429) {
            Duration retryAfter = retryAfter(r.headers().get("Retry-After"), gateway.ticker().epochMillis());
            return Verdict.rateLimited(retryAfter);
        }
        return r.status() >= 500 ? Verdict.FAILURE : Verdict.SUCCESS;
    }

    /**
     * Retry-After as delta-seconds or an HTTP date (measured from {@code nowMillis}, the injected ticker's wall
     * time, so tests decide it); null when absent or unreadable.
     */
    static Duration retryAfter(String header, long nowMillis) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(java.time.Instant.ofEpochMilli(nowMillis), at.toInstant());
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
        long size = 128L + r.body().length();
        for (var h : r.headers()) {
            size += h.getKey().length() + h.getValue().length() + 8;
        }
        return size;
    }

    /**
     * Whether a response may be stored: a cacheable status, no Set-Cookie, not {@code Vary: *} (nor a Vary list
     * too long to key on), and, unless the route turned it off, a Cache-Control that allows a shared cache to keep
     * it ({@link UpstreamCaching#forbidsStoring}).
     */
    boolean storable(UpstreamResponse r) {
        int s = r.status();
        boolean cacheableStatus = (s >= 200 && s < 300) || s == 301 || s == 404 || s == 410;
        if (!cacheableStatus || r.headers().contains("Set-Cookie") || UpstreamCaching.vary(r.headers()) == null) {
            return false;
        }
        return !honorCacheControl || !UpstreamCaching.forbidsStoring(r.headers());
    }

    /** Upstream failures are remembered briefly; our own refusals (breaker, waiter bounds) are not. */
    static boolean cacheableError(Throwable e) {
        return e instanceof UpstreamErrorResponse
                || (e instanceof HttpError he && (he.status() == 502 || he.status() == 504));
    }

    // ---- serving ----

    void serve(RoutingContext ctx) {
        ctx.request().resume(); // a GET/HEAD body is never used; with no handler set it is discarded
        String resource;
        try {
            resource = CacheKeys.resource(ctx.request(), null);
        } catch (IllegalArgumentException e) {
            JsonResponses.sendError(ctx, HttpError.badRequest("Malformed query string"));
            return;
        }
        serve(ctx, resource, false);
    }

    /**
     * One attempt at serving {@code ctx}: through the cache or the coalescer under the resource's key (identity and
     * the headers its answers vary on included). {@code retried}: the first attempt's shared answer varied on a
     * header the key did not hold yet; a second mismatch is served by a fetch of its own ({@link #deliver}).
     */
    private void serve(RoutingContext ctx, String resource, boolean retried) {
        String key = resource + CacheKeys.suffix(ctx, route);
        List<String> varyNames = varied.getIfPresent(resource);
        MultiMap forwarded = null;
        if (varyNames != null) {
            forwarded = sharedHeaders(ctx);
            key = key + "|v:" + CacheKeys.varyDigest(forwarded, varyNames);
        }
        String batchValue = null;
        String batchGroup = null;
        if (batcher != null) {
            List<String> values = CacheKeys.parameters(ctx.request().uri()).get(batcher.param());
            if (values != null && values.size() == 1) {
                batchValue = values.get(0);
                batchGroup = CacheKeys.keyFor(ctx, route, batcher.param());
            }
        }
        Load load = new Load(ctx, resource, forwarded, batchValue, batchGroup);
        if (cache != null) {
            load.lookup = RequestState.of(ctx).trace().start("cache lookup");
        }
        CompletableFuture<CacheResult<UpstreamResponse>> mine = read(readPath, ctx, key, load);
        load.looked(mine);
        if (mine.isDone() && !mine.isCompletedExceptionally()) { // hit, stale or answered at once: right here
            deliver(ctx, resource, varyNames, retried, load, mine.join(), null);
            return;
        }
        // a client that goes away gives up its waiter slot; the shared fetch goes on
        ctx.response().closeHandler(v -> mine.cancel(false));
        reply(mine, (s, err) -> deliver(ctx, resource, varyNames, retried, load, s, err));
    }

    /**
     * The load a request starts when its read finds nothing to share, and what it fetched. One object per request:
     * a cache hit builds no more of the load than this (no header copy, no loader lambdas). It is called
     * synchronously inside get/join, or later from another thread (a Redis flight coordinator's, the scheduler's
     * that granted a hot-spot slot): the fetch runs on the request's event loop either way.
     */
    private final class Load implements Supplier<CompletionStage<UpstreamResponse>> {
        private final RoutingContext ctx;
        private final String resource;
        private final MultiMap headers; // null: the shared headers, built when the load starts
        private final String batchValue;
        private final String batchGroup;
        private final Context origin = Vertx.currentContext();
        /** The answer of this request's own fetch, unless it is failing ({@link RoutePipeline#failing}). */
        volatile UpstreamResponse fetched;
        // the request's spans of the read path (the invalid span, or null, when not traced); a load is started
        // (get) on the request's event loop or another thread, the others are touched on the request's loop,
        // each ordered after the one before by the read's futures
        Span lookup;                 // the cache lookup: from the read to its first answer or the start of a load
        volatile Span hotSpotWait;   // this request's load waits for a hot-spot slot
        volatile boolean leads;      // this request's read started a load: it waits for no one else's
        volatile Span coalescerWait; // waits for a load another request (or instance) leads

        Load(RoutingContext ctx, String resource, MultiMap headers, String batchValue, String batchGroup) {
            this.ctx = ctx;
            this.resource = resource;
            this.headers = headers;
            this.batchValue = batchValue;
            this.batchGroup = batchGroup;
        }

        /** The read started this request's load, which now waits for a slot in the window of {@code keys}. */
        void hotSpotWait(String keys) {
            leads = true;
            endLookup(null);
            Span wait = RequestState.of(ctx).trace().start("hot-spot wait");
            wait.setAttribute(HOT_SPOT_KEY, keys);
            hotSpotWait = wait;
        }

        /** The read returned: a first answer, or a wait for this request's load or another's. */
        void looked(CompletableFuture<CacheResult<UpstreamResponse>> read) {
            boolean answered = read.isDone() && !read.isCompletedExceptionally();
            endLookup(answered ? read.join().status().name() : null);
            if (!read.isDone() && !leads) {
                coalescerWait = RequestState.of(ctx).trace().start("coalescer wait");
            }
        }

        private void endLookup(String status) {
            Span s = lookup;
            if (s != null) {
                lookup = null;
                if (status != null) {
                    s.setAttribute(CACHE_STATUS, status);
                }
                s.end();
            }
        }

        /**
         * The read is answered ({@code s}, or failed with {@code err}): the spans still open end, a waiter's
         * linked to the upstream call of the load that answered it.
         */
        void answered(CacheResult<UpstreamResponse> s, Throwable err) {
            endLookup(null);
            if (err != null) {
                JsonResponses.noteRejection(RequestState.of(ctx), err); // the reason the reply will give
            }
            Span wait = hotSpotWait;
            if (wait != null) { // refused a slot: the load never started
                hotSpotWait = null;
                RequestTrace.failed(wait, RequestState.of(ctx).rejectReason());
            }
            Span coalesced = coalescerWait;
            if (coalesced != null) {
                coalescerWait = null;
                if (s != null) {
                    String leader = s.value().headers().get(TRACE_TAG);
                    SpanContext link = leader == null ? null : RequestTrace.spanContext(leader);
                    if (link != null) {
                        coalesced.addLink(link);
                    }
                    coalesced.setAttribute(CACHE_STATUS, s.status().name());
                    coalesced.end();
                } else {
                    RequestTrace.failed(coalesced, RequestState.of(ctx).rejectReason());
                }
            }
        }

        @Override
        public CompletionStage<UpstreamResponse> get() {
            leads = true;
            endLookup(null);
            Span wait = hotSpotWait;
            if (wait != null) {
                hotSpotWait = null;
                wait.end(); // granted
            }
            Span coalesced = coalescerWait;
            if (coalesced != null) { // waited for a flight lock held elsewhere, now leads the load itself
                coalescerWait = null;
                coalesced.end();
            }
            return EventLoop.startOn(origin, () -> fetch(ctx, resource, headers != null ? headers : sharedHeaders(ctx),
                    batchValue, batchGroup, this));
        }
    }

    /**
     * One upstream call for {@code ctx} (its canonical path, the query as sent); {@code fetched} gets the answer
     * unless it is failing ({@link #failing}: the read path fails the load with it, above the breaker that judged it).
     * {@code load.fetched} gets the answer under the same condition.
     */
    private CompletionStage<UpstreamResponse> fetch(RoutingContext ctx, String resource, MultiMap headers,
                                                    String batchValue, String batchGroup, Load load) {
        String uri = RequestTargets.canonicalUri(ctx.request().path(), ctx.request().uri());
        // the fetcher may add to the headers it is given (Host); the Vary tag is computed from what this request sends
        MultiMap sent = MultiMap.caseInsensitiveMultiMap().addAll(headers);
        Span call = RequestState.of(ctx).trace().start("upstream call", SpanKind.CLIENT, null);
        String traceparent = RequestTrace.traceparent(call); // null when not traced: the client's passes through
        if (traceparent != null) {
            call.setAttribute(SERVER_ADDRESS, upstreamEndpoint);
            sent.set(RequestTrace.TRACEPARENT, traceparent);
        }
        UpstreamRequest request = new UpstreamRequest(HttpMethod.GET, uri, sent, null);
        Future<UpstreamResponse> f = batchValue != null ? batcher.fetch(request, batchGroup, batchValue)
                : upstream.fetch(request);
        long sentAt = gateway.ticker().read();
        return f.toCompletionStage().whenComplete((r, err) -> {
            if (err != null) {
                RequestTrace.failed(call, ErrorMapper.unwrap(err).getMessage());
            } else {
                RequestTrace.answered(call, r.status());
            }
        }).thenApply(r -> {
            // the call is this request's (it led the flight); read by the access log after the reply, which
            // the future chain orders after this write
            RequestState.of(ctx).upstream(upstreamEndpoint, gateway.ticker().read() - sentAt);
            if (failing(r)) {
                return traceparent == null ? r : tag(r, TRACE_TAG, traceparent);
            }
            UpstreamResponse tagged = tagVary(r, headers, resource);
            if (traceparent != null) {
                tagged = tag(tagged, TRACE_TAG, traceparent);
            }
            load.fetched = tagged;
            return tagged;
        });
    }

    /**
     * Internal header on a fetched response when tracing recorded its call: the {@code traceparent} of the
     * {@code upstream call} span, which the coalesced waiters it answers link their {@code coalescer wait} span to.
     * Never sent to a client; an upstream's is dropped.
     */
    static final String TRACE_TAG = "X-Levee-Upstream-Span";

    private static UpstreamResponse tag(UpstreamResponse r, String name, String value) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap().addAll(r.headers());
        h.set(name, value);
        return new UpstreamResponse(r.status(), h, r.body());
    }

    /**
     * Internal header on a response that varies: the digest of the values the request it was fetched for sent for
     * the varied headers. Whoever else receives that response (coalesced waiters, cache readers, other instances
     * through Redis) compares it with its own ({@link #fit}). Never sent to a client; an upstream's is dropped.
     */
    static final String VARY_TAG = "X-Levee-Vary-Digest";

    private UpstreamResponse tagVary(UpstreamResponse r, MultiMap requestHeaders, String resource) {
        List<String> names = UpstreamCaching.vary(r.headers());
        boolean tag = names != null && !names.isEmpty();
        if (tag) {
            learn(resource, names); // the next request of this resource is keyed by them
        }
        if (!tag && !r.headers().contains(VARY_TAG) && !r.headers().contains(TRACE_TAG)) {
            return r;
        }
        MultiMap h = MultiMap.caseInsensitiveMultiMap().addAll(r.headers());
        h.remove(VARY_TAG);
        h.remove(TRACE_TAG);
        if (tag) {
            h.set(VARY_TAG, CacheKeys.varyDigest(requestHeaders, names));
        }
        return new UpstreamResponse(r.status(), h, r.body());
    }

    private enum Fit { FITS, RETRY, OWN_FETCH }

    /**
     * Whether an answer this request did not fetch itself may be served to it: a response that varies on headers
     * whose values here differ from the fetching request's does not ({@code RETRY}: the key now includes them, so
     * a second attempt finds or fetches the right variant); {@code Vary: *} never does, nor (honouring
     * Cache-Control) a {@code private} answer coalesced across callers the key does not tell apart
     * ({@code OWN_FETCH}).
     */
    private Fit fit(RoutingContext ctx, String resource, List<String> keyNames, CacheResult<UpstreamResponse> s) {
        MultiMap h = s.value().headers();
        if (honorCacheControl && (s.status() == CacheStatus.MISS || s.status() == CacheStatus.COALESCED)
                && h.contains("Cache-Control") && UpstreamCaching.directives(h).isPrivate()
                && (route.isPublic() || CacheKeys.identity(ctx, route) == null)) {
            return Fit.OWN_FETCH; // stored entries are never private; only a shared flight can carry one
        }
        if (!h.contains("Vary")) {
            return Fit.FITS;
        }
        List<String> names = UpstreamCaching.vary(h);
        if (names == null) {
            return Fit.OWN_FETCH;
        }
        if (names.isEmpty() || (keyNames != null && keyNames.containsAll(names))) {
            return Fit.FITS; // the key held these headers' values: whoever stored or fetched it under it sent the same
        }
        learn(resource, names);
        String tag = h.get(VARY_TAG);
        return tag != null && tag.equals(CacheKeys.varyDigest(sharedHeaders(ctx), names)) ? Fit.FITS : Fit.RETRY;
    }

    private void learn(String resource, List<String> names) {
        varied.asMap().merge(resource, names, (old, seen) -> {
            if (old.containsAll(seen)) {
                return old;
            }
            java.util.TreeSet<String> all = new java.util.TreeSet<>(old);
            all.addAll(seen);
            // past the bound the newest list wins: the key may miss an old name, the fit check still holds
            return all.size() <= UpstreamCaching.MAX_VARY ? List.copyOf(all) : seen;
        });
    }

    /** Serves a finished attempt, unless its shared answer does not fit this request (see {@link #fit}). */
    @SuppressWarnings("ReferenceEquality") // identity on purpose: is the served response the one this request fetched?
    private void deliver(RoutingContext ctx, String resource, List<String> keyNames, boolean retried, Load load,
                         CacheResult<UpstreamResponse> s, Throwable err) {
        load.answered(s, err);
        if (err == null && s != null && s.value() != load.fetched) {
            Fit fit = fit(ctx, resource, keyNames, s);
            if (fit == Fit.RETRY && !retried) {
                serve(ctx, resource, true);
                return;
            }
            if (fit != Fit.FITS) {
                ownFetch(ctx, resource);
                return;
            }
        }
        write(ctx, s, err);
    }

    /**
     * A fetch for this request alone (no cache, no coalescing); still through the hot-spot window and the breaker.
     * It starts on the request's event loop (deliver runs there), and a slot granted later hops back to it.
     */
    private void ownFetch(RoutingContext ctx, String resource) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        Load load = new Load(ctx, resource, sharedHeaders(ctx), null, null);
        reply(read(ownPath, ctx, resource, load), (s, err) -> {
            load.answered(s, err);
            write(ctx, s, err);
        });
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
        headers.remove(dev.levee.gateway.hotspot.Warming.HEADER); // the gateway's own token never reaches the upstream
        return headers;
    }

    /** Runs {@code then} with the outcome of {@code served} on the request's own context. */
    private static void reply(CompletableFuture<CacheResult<UpstreamResponse>> served,
                              java.util.function.BiConsumer<CacheResult<UpstreamResponse>, Throwable> then) {
        EventLoop.resume(served).onComplete(ar -> then.accept(ar.result(), ar.cause()));
    }

    private void write(RoutingContext ctx, CacheResult<UpstreamResponse> s, Throwable err) {
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
            JsonResponses.noteRejection(RequestState.of(ctx), cause);
            JsonResponses.sendError(ctx, toHttpError(cause));
            return;
        }
        if (s.status() != CacheStatus.MISS) {
            RequestState.of(ctx).servedWithoutUpstream(true); // no upstream latency sample (adaptive admission)
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
        send(ctx, s.value(), xCache, s.age(), s.status() == CacheStatus.MISS);
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
                    && !name.equalsIgnoreCase(VARY_TAG) && !name.equalsIgnoreCase(TRACE_TAG)
                    && (keepCookies || !name.equalsIgnoreCase("Set-Cookie"))) {
                headers.add(name, h.getValue());
            }
        }
        headers.set("X-Cache", xCache);
        RequestState.of(ctx).cacheStatus(xCache);
        headers.set("Age", Long.toString(age.toSeconds()));
        if (HttpMethod.HEAD.equals(ctx.request().method())) {
            headers.set("Content-Length", Integer.toString(r.body().length()));
            resp.end();
        } else {
            resp.end(r.body());
        }
    }

    /**
     * A failed read as {@link ErrorMapper} maps it (a refusal of the coalescer, hot-spot window or breaker; a
     * primitive closed at shutdown: 503), a failed upstream call as 502 "Upstream error".
     */
    static HttpError toHttpError(Throwable cause) {
        return ErrorMapper.toHttpError(cause,
                e -> HttpError.of(502, "Upstream error").with("detail", String.valueOf(e.getMessage())));
    }

    static Throwable unwrap(Throwable e) {
        return ErrorMapper.unwrap(e);
    }
}
