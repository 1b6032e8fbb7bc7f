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

import dev.levee.core.time.Ticker;
import dev.levee.gateway.config.UpstreamClusterConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.MultiMap;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static java.util.Objects.requireNonNull;

/**
 * One named upstream ({@code upstreams.NAME}, or the legacy {@code upstream:} block as {@code default}): its
 * endpoints, its balancer, its own pooled Vert.x clients (one per event loop, each with the cluster's timeouts and
 * its share of {@code max-connections} to each endpoint), the active health checks, passive outlier ejection and the
 * retry budget. {@link UpstreamClient} runs the exchanges; this class decides where they go and learns from how
 * they end ({@link #record}).
 *
 * <p>Picking ({@link #choose}): the balancer picks among the endpoints that are healthy and not ejected. If none is,
 * it picks among all of them ("panic", as Envoy does): a health check that is wrong everywhere, or a cluster that
 * really is down, then costs an error per request rather than refusing every request without trying.
 *
 * <p>Metrics, one series per endpoint from the config (bounded): {@code levee_upstream_endpoint_up},
 * {@code levee_upstream_endpoint_active}, {@code levee_upstream_requests_total{outcome}},
 * {@code levee_upstream_ejections_total}; per cluster {@code levee_upstream_retries_total} and
 * {@code levee_upstream_retries_denied_total} (over the budget).
 */
final class UpstreamCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UpstreamCluster.class);

    /** How an exchange with an endpoint ended, as the outlier detector and the metrics see it. */
    enum Outcome {
        SUCCESS, ERROR_5XX, CONNECT_FAILURE, TIMEOUT, ERROR,
        /** Refused before anything was sent (the pool's wait queue was full): no news about the endpoint. */
        LOCAL;

        final String label = name().toLowerCase(Locale.ROOT).replace("error_5xx", "5xx");

        /** The outcome of a failed exchange. */
        static Outcome of(Throwable cause) {
            if (cause instanceof ConnectionPoolTooBusyException) {
                return LOCAL;
            }
            if (isConnectFailure(cause)) {
                return CONNECT_FAILURE;
            }
            if (cause instanceof TimeoutException || cause.getClass().getSimpleName().contains("Timeout")) {
                return TIMEOUT;
            }
            return ERROR;
        }

        static boolean isConnectFailure(Throwable cause) {
            return cause instanceof ConnectException || cause instanceof UnknownHostException
                    || cause instanceof SSLException // a certificate not trusted is as good as no connection
                    || cause.getCause() instanceof ConnectException || cause.getCause() instanceof SSLException;
        }
    }

    final String name;
    final UpstreamClusterConfig config;
    final List<Endpoint> endpoints;
    final RetryBudget budget;
    private final Balancer balancer;
    private final OutlierDetector outlier;
    private final Ticker ticker;
    private final Vertx vertx;
    private final HttpClientOptions clientOptions;
    private final PoolOptions poolOptions;
    // one client per event-loop thread, so a request's upstream connection is on its own loop (see client())
    private final ConcurrentHashMap<Thread, HttpClientAgent> clients = new ConcurrentHashMap<>();
    private final HttpClientAgent offLoop; // callers on no event loop or on more loops than serve; health checks
    private final int eventLoops;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder rejected = new LongAdder();
    private final Counter retries;
    private final Counter retriesDenied;
    private final Map<Endpoint, Long> checkTimers = new ConcurrentHashMap<>();
    // the meters that read this cluster's own objects: a reload that rebuilds the cluster removes them first (a
    // meter of the same name and tags would otherwise stay bound to the old objects); counters carry on
    private final List<Meter> ownMeters = new ArrayList<>();
    private volatile boolean closed;

    UpstreamCluster(Vertx vertx, String name, UpstreamClusterConfig config, int eventLoops, Ticker ticker,
                    MeterRegistry registry) {
        this.vertx = requireNonNull(vertx, "vertx");
        this.name = requireNonNull(name, "name");
        this.config = requireNonNull(config, "config");
        this.ticker = requireNonNull(ticker, "ticker");
        if (eventLoops < 1) {
            throw new IllegalArgumentException("eventLoops: " + eventLoops + " (expected: >= 1)");
        }
        this.eventLoops = eventLoops;
        List<Endpoint> eps = new ArrayList<>();
        config.endpoints().forEach(url -> eps.add(new Endpoint(url)));
        this.endpoints = List.copyOf(eps);
        this.balancer = Balancer.of(config.balancer());
        this.outlier = new OutlierDetector(config.outlier(), ticker);
        this.budget = new RetryBudget(config.retry(), ticker);
        this.clientOptions = new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setDecompressionSupported(false)
                .setVerifyHost(true); // the default; said here because an https upstream relies on it
        String caFile = config.tls().caFile();
        if (caFile != null) { // only these CAs, instead of the JDK's
            clientOptions.setTrustOptions(new PemTrustOptions().addCertPath(caFile));
        }
        // waiting for a pooled connection is bounded too: never more waiters than requests allowed in flight
        int perLoop = Math.max(1, (config.maxConnections() + eventLoops - 1) / eventLoops);
        this.poolOptions = new PoolOptions().setHttp1MaxSize(perLoop).setMaxWaitQueueSize(config.maxInFlight());
        this.offLoop = newClient();
        for (Endpoint e : endpoints) {
            for (Outcome o : Outcome.values()) {
                if (o != Outcome.LOCAL) {
                    e.requests[o.ordinal()] = Counter.builder("levee.upstream.requests")
                            .description("Exchanges with an upstream endpoint, by how they ended (retries included)")
                            .tags("upstream", name, "endpoint", e.label, "outcome", o.label).register(registry);
                }
            }
            ownMeters.add(FunctionCounter.builder("levee.upstream.ejections", e.ejections, LongAdder::sum)
                    .description("Times an endpoint was ejected by passive outlier detection")
                    .tags("upstream", name, "endpoint", e.label).register(registry));
            ownMeters.add(Gauge.builder("levee.upstream.endpoint.up", e, ep -> ep.available(ticker.read()) ? 1 : 0)
                    .description("1 while the endpoint gets requests: healthy and not ejected")
                    .tags("upstream", name, "endpoint", e.label).register(registry));
            ownMeters.add(Gauge.builder("levee.upstream.endpoint.active", e, Endpoint::active)
                    .description("Requests at the endpoint now")
                    .tags("upstream", name, "endpoint", e.label).register(registry));
        }
        this.retries = Counter.builder("levee.upstream.retries")
                .description("Requests sent again to another endpoint after a connect failure")
                .tags("upstream", name).register(registry);
        this.retriesDenied = Counter.builder("levee.upstream.retries.denied")
                .description("Retries not made because the cluster's retry budget was spent")
                .tags("upstream", name).register(registry);
    }

    private HttpClientAgent newClient() {
        return vertx.httpClientBuilder().with(clientOptions).with(poolOptions).build();
    }

    /**
     * The client of the caller's event loop. One pool shared by every loop hands a connection made on one loop to
     * a request on another, and each read and write of that exchange then hops between the two threads; a client
     * per loop (its connections made on the loop that asked, Vert.x's default) keeps an exchange on one thread.
     */
    HttpClientAgent client() {
        Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext() || closed) {
            return offLoop;
        }
        Thread loop = Thread.currentThread();
        HttpClientAgent client = clients.get(loop);
        if (client != null) {
            return client;
        }
        // max-connections holds with at most one client per serving loop (others: an admin listener's, a timer's)
        synchronized (clients) {
            return clients.size() >= eventLoops ? offLoop : clients.computeIfAbsent(loop, t -> newClient());
        }
    }

    /** Takes an in-flight slot, or refuses (counted) when all {@code max-in-flight} are taken. */
    boolean acquire() {
        int n;
        do {
            n = inFlight.get();
            if (n >= config.maxInFlight()) {
                rejected.increment();
                return false;
            }
        } while (!inFlight.compareAndSet(n, n + 1));
        budget.request();
        return true;
    }

    void release() {
        inFlight.decrementAndGet();
    }

    int inFlight() {
        return inFlight.get();
    }

    long rejected() {
        return rejected.sum();
    }

    /** Counts a request refused at a bound without taking a slot (the pool's wait queue). */
    void countRejected() {
        rejected.increment();
    }

    /**
     * The endpoint for a request: the balancer's pick among those available, other than {@code exclude} (the one a
     * retry leaves); null only when {@code exclude} is the only endpoint.
     */
    @Nullable Endpoint choose(@Nullable Endpoint exclude) {
        long now = ticker.read();
        List<Endpoint> candidates = new ArrayList<>(endpoints.size());
        for (Endpoint e : endpoints) {
            if (e != exclude && e.available(now)) {
                candidates.add(e);
            }
        }
        if (candidates.isEmpty()) { // panic: see the class comment
            for (Endpoint e : endpoints) {
                if (e != exclude) {
                    candidates.add(e);
                }
            }
        }
        return candidates.isEmpty() ? null : balancer.pick(candidates);
    }

    /**
     * The endpoint to retry a request on after {@code failed}'s connect failed, or null: not idempotent, no other
     * endpoint, or the retry budget is spent (counted).
     */
    @Nullable Endpoint retryTarget(HttpMethod method, Endpoint failed) {
        if (!idempotent(method)) {
            return null;
        }
        Endpoint other = choose(failed);
        if (other == null) {
            return null;
        }
        if (!budget.tryRetry()) {
            retriesDenied.increment();
            return null;
        }
        retries.increment();
        return other;
    }

    /** RFC 9110 9.2.2: sending one of these twice means the same as once. */
    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);

    static boolean idempotent(HttpMethod method) {
        return IDEMPOTENT.contains(method);
    }

    /** How an exchange with {@code endpoint} ended: metrics, and the outlier detector's streak. */
    void record(Endpoint endpoint, Outcome outcome) {
        if (outcome == Outcome.LOCAL) {
            return;
        }
        endpoint.requests[outcome.ordinal()].increment();
        if (outcome == Outcome.SUCCESS) {
            outlier.succeeded(endpoint);
        } else if (outlier.failed(endpoint)) {
            endpoint.ejections.increment();
            log.warn("upstream {}: endpoint {} ejected for {} after {} failures in a row (last: {})", name,
                    endpoint.url, config.outlier().ejectionTime(), config.outlier().consecutiveFailures(),
                    outcome.label);
        }
    }

    /** The outcome of an answer with {@code status}. */
    static Outcome ofStatus(int status) {
        return status >= 500 ? Outcome.ERROR_5XX : Outcome.SUCCESS;
    }

    /** Request options for {@code uri} (path and query) at {@code endpoint}, its base path prepended. */
    RequestOptions options(Endpoint endpoint, HttpMethod method, String uri, MultiMap headers, long waitMillis) {
        return new RequestOptions()
                .setMethod(method)
                .setHost(endpoint.host)
                .setPort(endpoint.port)
                .setSsl(endpoint.ssl)
                .setURI(endpoint.basePath.isEmpty() ? uri : endpoint.basePath + uri)
                .setHeaders(headers)
                .setConnectTimeout(waitMillis) // the wait for a pooled connection
                .putHeader("Host", endpoint.hostHeader);
    }

    long ejections(Endpoint endpoint) {
        return endpoint.ejections.sum();
    }

    long retries() {
        return (long) retries.count();
    }

    long retriesDenied() {
        return (long) retriesDenied.count();
    }

    long now() {
        return ticker.read();
    }

    /** Starts the active health checks of every endpoint, if the cluster has them. */
    void startHealthChecks() {
        if (!config.healthCheck().enabled()) {
            return;
        }
        for (Endpoint e : endpoints) {
            scheduleCheck(e);
        }
    }

    private void scheduleCheck(Endpoint endpoint) {
        if (closed) {
            return;
        }
        checkTimers.put(endpoint, vertx.setTimer(config.healthCheck().interval().toMillis(), t -> check(endpoint)));
    }

    /** One check of {@code endpoint}; the next is scheduled when it ends, so checks of one endpoint never overlap. */
    private void check(Endpoint endpoint) {
        if (closed) {
            return;
        }
        UpstreamClusterConfig.HealthCheck hc = config.healthCheck();
        long timeoutMs = hc.timeout().toMillis();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(endpoint.host)
                .setPort(endpoint.port).setSsl(endpoint.ssl).setURI(hc.path()).setConnectTimeout(timeoutMs)
                .putHeader("Host", endpoint.hostHeader);
        offLoop.request(options)
                .compose(req -> {
                    req.idleTimeout(timeoutMs);
                    return req.send();
                })
                .compose(resp -> resp.body().map(body -> resp.statusCode()))
                .onComplete(ar -> {
                    boolean passed = ar.succeeded() && ar.result() >= 200 && ar.result() < 300;
                    if (endpoint.checked(passed, hc.unhealthyThreshold(), hc.healthyThreshold())) {
                        if (passed) {
                            log.info("upstream {}: endpoint {} is healthy again", name, endpoint.url);
                        } else {
                            log.warn("upstream {}: endpoint {} is down: {} health checks of {} failed (last: {})",
                                    name, endpoint.url, hc.unhealthyThreshold(), hc.path(), ar.succeeded()
                                            ? "status " + ar.result() : String.valueOf(ar.cause()));
                        }
                    }
                    scheduleCheck(endpoint);
                });
    }

    /** Removes the meters bound to this cluster's objects (a reload rebuilds it; see {@link #ownMeters}). */
    void unbind(MeterRegistry registry) {
        ownMeters.forEach(registry::remove);
    }

    @Override
    public void close() {
        closed = true;
        checkTimers.values().forEach(vertx::cancelTimer);
        clients.values().forEach(HttpClientAgent::close);
        offLoop.close();
    }
}
