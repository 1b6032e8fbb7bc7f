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
package dev.levee.gateway.upstream;

import dev.levee.core.internal.SuppressForbidden;
import dev.levee.gateway.chain.RequestState;
import dev.levee.core.time.Ticker;
import dev.levee.gateway.config.LeveeConfig;
import dev.levee.gateway.config.RouteConfig;
import dev.levee.gateway.config.UpstreamClusterConfig;
import dev.levee.gateway.config.UpstreamConfig;
import dev.levee.gateway.http.Bodies;
import dev.levee.gateway.http.HttpError;
import dev.levee.gateway.http.JsonResponses;
import dev.levee.gateway.http.ErrorMapper;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.micrometer.core.instrument.Gauge;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import static java.util.Objects.requireNonNull;

/**
 * The connection to the upstreams: one {@link UpstreamCluster} per configured upstream ({@code upstreams:}, and
 * {@code default}, by default the legacy {@code upstream:} block), each with its endpoints, balancer and pooled
 * Vert.x clients, used two ways.
 * <ul>
 *   <li>{@link #proxy}: streams a client's request to the upstream of its route ({@code routes[].upstream}, else
 *       the default) and the response back, both ways with back-pressure, for everything the read path does not
 *       handle;</li>
 *   <li>{@link #fetch} and {@link #fetcher}: a buffered exchange, the bottom of the read path.</li>
 * </ul>
 * The cluster's timeout bounds the wait for a pooled connection plus the response head (and, for a fetch, the
 * whole body): past it the client gets 504. A connection that cannot be made gets 502, unless the request is
 * idempotent and the cluster's retry budget allows sending it once more, to another endpoint (only a connect
 * failure is retried: nothing of the request reached the upstream). At most {@code max-in-flight} requests are at
 * a cluster at once, both ways together; one more gets 503 with Retry-After at once, so a hung upstream collects no
 * more than that ({@link #refusedLocally} tells such a refusal apart from an upstream outcome). All are JSON with an
 * {@code error} field. How each exchange ended feeds the cluster's outlier detection and metrics.
 *
 * <p>Metrics: {@code levee_upstream_in_flight} (gauge) and {@code levee_upstream_rejected_total} (refused at the
 * bound), all clusters together; per cluster and endpoint those of {@link UpstreamCluster}.
 */
public final class UpstreamClient implements UpstreamFetcher, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UpstreamClient.class);
    /** A buffered upstream response larger than this is refused with 502 rather than held in memory. */
    public static final int MAX_BUFFERED_RESPONSE_BYTES = 64 << 20;

    private final Vertx vertx;
    // volatile: a config reload replaces them (reconfigure); a request takes its cluster once
    private volatile Map<String, UpstreamCluster> clusters;
    private volatile UpstreamCluster defaultCluster;
    private final Map<String, UpstreamCluster> retiring = new ConcurrentHashMap<>(); // replaced, not closed yet
    private final LongAdder retiredRejected = new LongAdder(); // so the refusal counter never goes back
    private final MeterRegistry registry;
    private final int eventLoops;
    private final Ticker ticker;
    private final long maxRequestBytes;
    private final ProxyHeaders proxyHeaders;

    /**
     * The legacy single upstream, as the cluster {@code default}, on the system ticker.
     *
     * @param maxRequestBytes request bodies larger than this are refused with 413 ({@code server.max-body-size})
     * @param proxyHeaders    what of a client's headers goes upstream
     * @param registry        where the in-flight gauge and the refusal counter go
     * @param eventLoops      the event loops serving requests: each gets its share of {@code max-connections}
     */
    public UpstreamClient(Vertx vertx, UpstreamConfig config, long maxRequestBytes, ProxyHeaders proxyHeaders,
                          MeterRegistry registry, int eventLoops) {
        this(vertx, Map.of(LeveeConfig.DEFAULT_UPSTREAM, UpstreamClusterConfig.of(config)), maxRequestBytes,
                proxyHeaders, registry, eventLoops, Ticker.system());
    }

    /**
     * Every cluster of {@code clusters} ({@link LeveeConfig#upstreamClusters()}: it holds
     * {@value LeveeConfig#DEFAULT_UPSTREAM}); health checks start at once, ejections and the retry budget run on
     * {@code ticker}.
     */
    public UpstreamClient(Vertx vertx, Map<String, UpstreamClusterConfig> clusters, long maxRequestBytes,
                          ProxyHeaders proxyHeaders, MeterRegistry registry, int eventLoops, Ticker ticker) {
        this.vertx = requireNonNull(vertx, "vertx");
        this.proxyHeaders = requireNonNull(proxyHeaders, "proxyHeaders");
        requireNonNull(clusters, "clusters");
        requireNonNull(ticker, "ticker");
        this.maxRequestBytes = maxRequestBytes;
        this.registry = requireNonNull(registry, "registry");
        this.eventLoops = eventLoops;
        this.ticker = ticker;
        if (eventLoops < 1) {
            throw new IllegalArgumentException("eventLoops: " + eventLoops + " (expected: >= 1)");
        }
        if (!clusters.containsKey(LeveeConfig.DEFAULT_UPSTREAM)) {
            throw new IllegalArgumentException("clusters: " + clusters.keySet() + " (expected: one named "
                    + LeveeConfig.DEFAULT_UPSTREAM + ")");
        }
        Map<String, UpstreamCluster> built = new LinkedHashMap<>();
        clusters.forEach((name, config) -> built.put(name,
                new UpstreamCluster(vertx, name, config, eventLoops, ticker, registry)));
        this.clusters = Collections.unmodifiableMap(built);
        this.defaultCluster = requireNonNull(built.get(LeveeConfig.DEFAULT_UPSTREAM), "default");
        Gauge.builder("levee.upstream.in.flight", this, c -> c.clusters.values().stream()
                        .mapToInt(UpstreamCluster::inFlight).sum())
                .description("Requests at the upstream, read path and proxy together").register(registry);
        FunctionCounter.builder("levee.upstream.rejected", this, c -> c.retiredRejected.sum()
                        + c.clusters.values().stream().mapToLong(UpstreamCluster::rejected).sum())
                .description("Requests refused at once because upstream.max-in-flight were at the upstream")
                .register(registry);
        this.clusters.values().forEach(UpstreamCluster::startHealthChecks);
    }

    /**
     * A config reload ({@link LeveeConfig#upstreamClusters()} of the new config): a cluster whose config is
     * unchanged is kept as it is (connections, health, ejections, retry budget); a changed or new one is built
     * afresh; a changed or removed one stops taking requests at once and is closed after {@code retireAfter}, so
     * the exchanges in flight on it finish. Returns the names of the clusters built or removed.
     */
    public synchronized List<String> reconfigure(Map<String, UpstreamClusterConfig> next, Duration retireAfter) {
        requireNonNull(next, "next");
        if (!next.containsKey(LeveeConfig.DEFAULT_UPSTREAM)) {
            throw new IllegalArgumentException("clusters: " + next.keySet() + " (expected: one named "
                    + LeveeConfig.DEFAULT_UPSTREAM + ")");
        }
        Map<String, UpstreamCluster> built = new LinkedHashMap<>();
        List<UpstreamCluster> fresh = new ArrayList<>();
        List<UpstreamCluster> retired = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, UpstreamClusterConfig> e : next.entrySet()) {
            UpstreamCluster old = clusters.get(e.getKey());
            if (old != null && old.config.equals(e.getValue())) {
                built.put(e.getKey(), old);
                continue;
            }
            if (old != null) {
                old.unbind(registry); // before the new cluster binds meters of the same names and tags
                retired.add(old);
            }
            UpstreamCluster c = new UpstreamCluster(vertx, e.getKey(), e.getValue(), eventLoops, ticker, registry);
            built.put(e.getKey(), c);
            fresh.add(c);
            changed.add(e.getKey());
        }
        clusters.forEach((name, old) -> {
            if (!next.containsKey(name)) {
                old.unbind(registry);
                retired.add(old);
                changed.add(name);
            }
        });
        // requests of the old config that name a removed upstream still find it until it closes
        retired.forEach(c -> retiring.put(c.name, c));
        this.clusters = Collections.unmodifiableMap(built);
        this.defaultCluster = requireNonNull(built.get(LeveeConfig.DEFAULT_UPSTREAM), "default");
        fresh.forEach(UpstreamCluster::startHealthChecks);
        for (UpstreamCluster c : retired) {
            vertx.setTimer(Math.max(1, retireAfter.toMillis()), t -> {
                retiring.remove(c.name, c);
                retiredRejected.add(c.rejected());
                c.close();
            });
        }
        return changed;
    }

    /** The cluster named {@code name}, the default one for null. */
    private UpstreamCluster cluster(@Nullable String name) {
        if (name == null) {
            return defaultCluster;
        }
        UpstreamCluster c = clusters.get(name);
        if (c == null) {
            c = retiring.get(name); // a request of the config before a reload that removed it
        }
        if (c == null) { // LeveeConfig checked every route's name
            throw new IllegalArgumentException("upstream: '" + name + "' (known: " + clusters.keySet() + ")");
        }
        return c;
    }

    private UpstreamCluster clusterOf(RoutingContext ctx) {
        RouteConfig route = RequestState.of(ctx).route();
        return cluster(route == null ? null : route.upstream());
    }

    /** The buffered exchanges of upstream {@code name} (a route's {@code upstream}; null: the default one). */
    public UpstreamFetcher fetcher(@Nullable String name) {
        cluster(name); // fails now for an unknown name
        return request -> fetch(cluster(name), request); // the cluster of now: a reload may have rebuilt it
    }

    /**
     * What the access log shows as the upstream of upstream {@code name}'s calls made through {@link #fetcher}: the
     * endpoint's {@code host:port} when it has only one, else the upstream's name.
     */
    public String label(@Nullable String name) {
        UpstreamCluster c = cluster(name);
        return c.endpoints.size() == 1 ? c.endpoints.get(0).label : c.name;
    }

    /** Every cluster's state, for {@code GET /health}. */
    public UpstreamsView view() {
        Map<String, UpstreamsView.Cluster> out = new LinkedHashMap<>();
        clusters.forEach((name, c) -> {
            long now = c.now();
            List<UpstreamsView.EndpointState> eps = new ArrayList<>();
            for (Endpoint e : c.endpoints) {
                boolean ejected = e.ejected(now);
                eps.add(new UpstreamsView.EndpointState(e.url, !e.healthy() ? "down" : ejected ? "ejected" : "up",
                        e.healthy(), ejected, TimeUnit.NANOSECONDS.toMillis(e.ejectedForNanos(now)), e.active(),
                        e.consecutiveFailures(), c.ejections(e)));
            }
            out.put(name, new UpstreamsView.Cluster(c.config.balancer(), c.inFlight(), c.config.maxInFlight(),
                    c.retries(), c.retriesDenied(), eps));
        });
        return new UpstreamsView(out);
    }

    /**
     * True for the refusal of a request that never left the gateway ({@code max-in-flight} reached, or the
     * connection pool's wait queue full): it says nothing about the upstream's health.
     */
    public static boolean refusedLocally(Throwable e) {
        return e instanceof HttpError he && he.status() == 503;
    }

    private static HttpError busyError(UpstreamCluster cluster) {
        return ErrorMapper.toHttpError(new UpstreamBusyException(cluster.config.maxInFlight()));
    }

    /** The forwarding rules, for stages that build their own upstream request (the read path). */
    public ProxyHeaders proxyHeaders() {
        return proxyHeaders;
    }

    /** Streams the routed request to its upstream and the upstream's answer back to the client. */
    public void proxy(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        HttpServerResponse resp = ctx.response();
        req.pause();
        UpstreamCluster cluster = clusterOf(ctx);
        String declared = req.getHeader("Content-Length");
        if (declared != null && parseLong(declared) > maxRequestBytes) {
            JsonResponses.sendError(ctx, HttpError.payloadTooLarge(maxRequestBytes)); // and close, unread
            return;
        }
        boolean hasBody = req.headers().contains("Content-Length") || req.headers().contains("Transfer-Encoding");
        if (!cluster.acquire()) {
            if (hasBody && req.version() != io.vertx.core.http.HttpVersion.HTTP_2) { // HTTP/2 has no such header
                resp.putHeader("Connection", "close"); // the unread body must not be taken for the next request
            }
            JsonResponses.sendError(ctx, busyError(cluster));
            return;
        }
        Runnable release = new Release(cluster);
        long deadline = realNanos() + cluster.config.timeout().toNanos();
        MultiMap headers = proxyHeaders.forRequest(req);
        Buffer ahead = Bodies.buffered(ctx); // read before admission (AdmissionFeature): sent as it is
        headers.remove("Expect"); // the gateway answers it (Bodies.continueIfExpected); the upstream gets a body
        if (ahead != null) {
            headers.set("Content-Length", Integer.toString(ahead.length()));
        }
        Endpoint endpoint = cluster.choose(null);
        proxyTo(ctx, cluster, requireNonNull(endpoint, "endpoint"), headers, ahead, deadline, release, false);
    }

    /**
     * One attempt of {@link #proxy} at {@code endpoint}. A connect failure is retried once ({@code retried} false),
     * on another endpoint, when {@link UpstreamCluster#retryTarget} allows: the client's body has not been read yet
     * then (the request stays paused until it is sent), so it can still go anywhere.
     */
    private void proxyTo(RoutingContext ctx, UpstreamCluster cluster, Endpoint endpoint, MultiMap headers,
                         @Nullable Buffer ahead, long deadline, Runnable release, boolean retried) {
        HttpServerRequest req = ctx.request();
        HttpServerResponse resp = ctx.response();
        long timeoutMs = cluster.config.timeout().toMillis();
        endpoint.begin();
        Runnable done = new Release(endpoint, release); // this attempt's end, and with it the request's
        long sentAt = realNanos();
        cluster.client().request(cluster.options(endpoint, req.method(), req.uri(), headers, millisLeft(deadline)))
                .onComplete(ar -> {
            if (ar.failed()) {
                endpoint.end();
                UpstreamCluster.Outcome outcome = UpstreamCluster.Outcome.of(ar.cause());
                cluster.record(endpoint, outcome);
                if (!retried && outcome == UpstreamCluster.Outcome.CONNECT_FAILURE && !resp.closed()) {
                    Endpoint other = cluster.retryTarget(req.method(), endpoint);
                    if (other != null) {
                        log.debug("upstream {}: connect to {} failed, {} {} retried on {}", cluster.name,
                                endpoint.url, req.method(), req.uri(), other.url);
                        proxyTo(ctx, cluster, other, headers, ahead, deadline, release, true);
                        return;
                    }
                }
                release.run();
                JsonResponses.sendError(ctx, translate(cluster, endpoint, ar.cause()));
                return;
            }
            HttpClientRequest upstream = ar.result();
            upstream.exceptionHandler(UpstreamClient::ended); // the outcome is the send's; unhandled, Vert.x logs it
            if (resp.closed()) { // the client left while we waited for a pooled connection
                upstream.reset();
                done.run();
                return;
            }
            upstream.idleTimeout(timeoutMs);
            boolean[] timedOut = {false}; // only touched on this request's event loop, like tooLarge
            long timer = vertx.setTimer(millisLeft(deadline), t -> {
                timedOut[0] = true;
                upstream.reset(0, new TimeoutException()); // the send fails with a stream reset, not this cause
            });
            boolean stream = ahead == null && Bodies.hasBody(req);
            if (stream && !req.headers().contains("Content-Length")) {
                upstream.setChunked(true);
            }
            // a client that goes away takes its upstream request with it; the reset's own report is no news
            resp.closeHandler(v -> upstream.reset());
            boolean[] tooLarge = {false}; // only touched on this request's event loop
            Future<HttpClientResponse> sent;
            if (ahead != null) {
                sent = upstream.send(ahead);
            } else if (stream) {
                Bodies.continueIfExpected(req); // not read ahead (no admission stage): the client sends it now
                sent = upstream.send(new BoundedBody(req, maxRequestBytes, () -> {
                    tooLarge[0] = true;
                    upstream.reset();
                }));
            } else {
                sent = upstream.send();
            }
            sent.onComplete(rar -> {
                vertx.cancelTimer(timer);
                if (tooLarge[0] || rar.failed()) {
                    done.run();
                }
                if (tooLarge[0]) {
                    JsonResponses.sendError(ctx, HttpError.payloadTooLarge(maxRequestBytes)); // and close, unread
                    return;
                }
                if (rar.failed()) {
                    if (!resp.closed()) { // a client that left reset the exchange: no news about the endpoint
                        cluster.record(endpoint, timedOut[0] ? UpstreamCluster.Outcome.TIMEOUT
                                : UpstreamCluster.Outcome.of(rar.cause()));
                    }
                    JsonResponses.sendError(ctx, timedOut[0] ? timeoutError(cluster)
                            : translate(cluster, endpoint, rar.cause()));
                    return;
                }
                HttpClientResponse answer = rar.result();
                cluster.record(endpoint, UpstreamCluster.ofStatus(answer.statusCode()));
                RequestState.of(ctx).upstream(endpoint.hostHeader, realNanos() - sentAt); // to the response head
                resp.setStatusCode(answer.statusCode());
                resp.setStatusMessage(answer.statusMessage());
                ProxyHeaders.copyEndToEnd(answer.headers(), resp.headers());
                if (!answer.headers().contains("Content-Length")) {
                    resp.setChunked(true);
                }
                relay(answer, resp, req, done);
            });
        });
    }

    /**
     * The end of an exchange, safe to call from every path that ends one: only the first call counts. For a
     * request, it gives back the cluster's in-flight slot; for an attempt at an endpoint, the endpoint's count
     * too, then the request's. One object per proxied request (its own flag), where a lambda over an AtomicBoolean
     * would be two.
     */
    private static final class Release extends AtomicBoolean implements Runnable {
        private final @Nullable UpstreamCluster cluster;
        private final @Nullable Endpoint endpoint;
        private final @Nullable Runnable then;

        Release(UpstreamCluster cluster) {
            this.cluster = cluster;
            this.endpoint = null;
            this.then = null;
        }

        Release(Endpoint endpoint, Runnable then) {
            this.cluster = null;
            this.endpoint = endpoint;
            this.then = then;
        }

        @Override
        public void run() {
            if (compareAndSet(false, true)) {
                if (cluster != null) {
                    cluster.release();
                }
                if (endpoint != null) {
                    endpoint.end();
                }
                if (then != null) {
                    then.run();
                }
            }
        }
    }

    /**
     * The upstream's body to the client, with back-pressure both ways, and the in-flight slot released when it
     * ends. A client that left mid-response is routine (a closed tab, a load generator that stops): the chunks
     * still arriving are dropped, the close handler has reset the upstream request, and it is logged at DEBUG.
     * (Vert.x's {@code Pipe} writes on into the closed response, and each write threw an ERROR with a stack.)
     */
    private static void relay(HttpClientResponse answer, HttpServerResponse resp, HttpServerRequest req,
                              Runnable release) {
        answer.exceptionHandler(e -> {
            release.run();
            if (resp.closed()) {
                log.debug("client left during the response to {} {}", req.method(), req.uri());
            } else if (!resp.ended()) { // the upstream failed mid-body: cut the response so the client sees it
                if (req.version() == io.vertx.core.http.HttpVersion.HTTP_2) {
                    resp.reset(); // the stream, not the connection with its other streams
                } else {
                    req.connection().close();
                }
            }
        });
        answer.handler(chunk -> {
            if (resp.closed() || resp.ended()) {
                return;
            }
            resp.write(chunk);
            if (resp.writeQueueFull()) {
                answer.pause();
                resp.drainHandler(v -> answer.resume());
            }
        });
        answer.endHandler(v -> {
            release.run();
            if (resp.closed()) {
                log.debug("client left before the end of the response to {} {}", req.method(), req.uri());
            } else if (!resp.ended()) {
                resp.end();
            }
        });
    }

    /** An upstream request's failure, reported by its exchange's outcome already. */
    private static void ended(Throwable e) {
        log.debug("upstream request ended: {}", e.toString());
    }

    /** A buffered exchange with the default upstream: its whole response, or a failed future with an {@link HttpError}. */
    @Override
    public Future<UpstreamResponse> fetch(UpstreamRequest request) {
        return fetch(defaultCluster, request);
    }

    private Future<UpstreamResponse> fetch(UpstreamCluster cluster, UpstreamRequest request) {
        if (!cluster.acquire()) {
            return Future.failedFuture(busyError(cluster));
        }
        Promise<UpstreamResponse> promise = Promise.promise();
        promise.future().onComplete(done -> cluster.release()); // a promise completes once
        long deadline = realNanos() + cluster.config.timeout().toNanos();
        fetchFrom(cluster, requireNonNull(cluster.choose(null), "endpoint"), request, deadline, promise, false);
        return promise.future();
    }

    /** One attempt of a fetch at {@code endpoint}; a connect failure is retried as in {@link #proxyTo}. */
    private void fetchFrom(UpstreamCluster cluster, Endpoint endpoint, UpstreamRequest request, long deadline,
                           Promise<UpstreamResponse> promise, boolean retried) {
        endpoint.begin();
        cluster.client().request(cluster.options(endpoint, request.method(), request.uri(), request.headers(),
                millisLeft(deadline))).onComplete(ar -> {
            if (ar.failed()) {
                endpoint.end();
                UpstreamCluster.Outcome outcome = UpstreamCluster.Outcome.of(ar.cause());
                cluster.record(endpoint, outcome);
                if (!retried && outcome == UpstreamCluster.Outcome.CONNECT_FAILURE) {
                    Endpoint other = cluster.retryTarget(request.method(), endpoint);
                    if (other != null) {
                        log.debug("upstream {}: connect to {} failed, {} {} retried on {}", cluster.name,
                                endpoint.url, request.method(), request.uri(), other.url);
                        fetchFrom(cluster, other, request, deadline, promise, true);
                        return;
                    }
                }
                promise.fail(translate(cluster, endpoint, ar.cause()));
                return;
            }
            HttpClientRequest upstream = ar.result();
            boolean[] timedOut = {false}; // only touched on this request's event loop
            long timer = vertx.setTimer(millisLeft(deadline), t -> {
                timedOut[0] = true;
                promise.tryFail(timeoutError(cluster)); // first: the reset fails the send at once, as a 502 reset
                upstream.reset(0, new TimeoutException());
            });
            upstream.exceptionHandler(UpstreamClient::ended); // the outcome is the send's; unhandled, Vert.x logs it
            Future<HttpClientResponse> sent = request.body() == null ? upstream.send() : upstream.send(request.body());
            sent.compose(answer -> {
                        cluster.record(endpoint, UpstreamCluster.ofStatus(answer.statusCode()));
                        String len = answer.getHeader("Content-Length");
                        if (len != null && parseLong(len) > MAX_BUFFERED_RESPONSE_BYTES) {
                            answer.request().reset();
                            return Future.failedFuture(HttpError.of(502, "Upstream response too large"));
                        }
                        return answer.body().map(body -> {
                            MultiMap headers = MultiMap.caseInsensitiveMultiMap();
                            ProxyHeaders.copyEndToEnd(answer.headers(), headers);
                            return new UpstreamResponse(answer.statusCode(), headers, body);
                        });
                    }, cause -> {
                        cluster.record(endpoint, timedOut[0] ? UpstreamCluster.Outcome.TIMEOUT
                                : UpstreamCluster.Outcome.of(cause));
                        return Future.failedFuture(cause);
                    })
                    .onComplete(rar -> {
                        vertx.cancelTimer(timer);
                        endpoint.end();
                        if (rar.succeeded()) {
                            promise.tryComplete(rar.result());
                        } else {
                            promise.tryFail(translate(cluster, endpoint, rar.cause()));
                        }
                    });
        });
    }

    /** Time left until {@code deadline} ({@link #realNanos()}), at least 1 ms (a Vert.x timer's minimum). */
    private static long millisLeft(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - realNanos()));
    }

    /** The clock of the request deadlines: Vert.x's timers, which enforce them, run on it too. */
    @SuppressForbidden("the deadlines are enforced by Vert.x's real-time timers: they must be on the same clock")
    private static long realNanos() {
        return System.nanoTime();
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static HttpError timeoutError(UpstreamCluster cluster) {
        return HttpError.of(504, "Upstream timeout").with("timeout_ms", cluster.config.timeout().toMillis());
    }

    private static HttpError translate(UpstreamCluster cluster, Endpoint endpoint, Throwable cause) {
        if (cause instanceof HttpError he) {
            return he;
        }
        if (cause instanceof ConnectionPoolTooBusyException) { // cannot happen while max-in-flight bounds the queue
            cluster.countRejected();
            return busyError(cluster);
        }
        if (cause instanceof TimeoutException || cause.getClass().getSimpleName().contains("Timeout")) {
            return timeoutError(cluster);
        }
        if (cause instanceof SSLException || cause.getCause() instanceof SSLException) {
            // the upstream's certificate or host name did not verify (see upstream.tls.ca-file)
            return HttpError.of(502, "Upstream TLS handshake failed").with("upstream", endpoint.url)
                    .with("detail", String.valueOf(cause.getMessage()));
        }
        if (UpstreamCluster.Outcome.isConnectFailure(cause)) {
            return HttpError.of(502, "Upstream unreachable").with("upstream", endpoint.url);
        }
        return HttpError.of(502, "Upstream error").with("detail", String.valueOf(cause.getMessage()));
    }

    @Override
    public void close() {
        clusters.values().forEach(UpstreamCluster::close);
        retiring.values().forEach(UpstreamCluster::close);
    }
}
