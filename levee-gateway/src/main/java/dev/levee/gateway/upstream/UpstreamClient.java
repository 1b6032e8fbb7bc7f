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
import dev.levee.gateway.config.UpstreamConfig;
import dev.levee.gateway.http.Bodies;
import dev.levee.gateway.http.HttpError;
import dev.levee.gateway.http.JsonResponses;
import dev.levee.gateway.http.ErrorMapper;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static java.util.Objects.requireNonNull;

/**
 * The connection to the upstream: pooled Vert.x HTTP clients, one per event loop (each with its share of
 * {@code upstream.max-connections}), used two ways.
 * <ul>
 *   <li>{@link #proxy}: streams a client's request to the upstream and the response back, both ways with
 *       back-pressure, for everything the read path does not handle;</li>
 *   <li>{@link #fetch}: a buffered exchange, the bottom of the read path.</li>
 * </ul>
 * The upstream timeout bounds the wait for a pooled connection plus the response head (and, for {@link #fetch},
 * the whole body): past it the client gets 504. A connection that cannot be made gets 502. At most
 * {@code upstream.max-in-flight} requests are at the upstream at once, both ways together; one more gets 503 with
 * Retry-After at once, so a hung upstream collects no more than that ({@link #refusedLocally} tells such a refusal
 * apart from an upstream outcome). All are JSON with an {@code error} field.
 *
 * <p>Metrics: {@code levee_upstream_in_flight} (gauge), {@code levee_upstream_rejected_total} (refused at the bound).
 */
public final class UpstreamClient implements UpstreamFetcher, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UpstreamClient.class);
    /** A buffered upstream response larger than this is refused with 502 rather than held in memory. */
    public static final int MAX_BUFFERED_RESPONSE_BYTES = 64 << 20;

    private final Vertx vertx;
    private final UpstreamConfig config;
    private final HttpClientOptions clientOptions;
    private final PoolOptions poolOptions; // one event loop's share of max-connections
    // one client per event-loop thread, so a request's upstream connection is on its own loop (see client())
    private final ConcurrentHashMap<Thread, HttpClientAgent> clients = new ConcurrentHashMap<>();
    private final HttpClientAgent offLoop; // for callers on no event loop, or on more loops than serve requests
    private final int eventLoops;
    private volatile boolean closed;
    private final String basePath;
    // parsed once: UpstreamConfig derives these from its URL on every call, and options() runs per request
    private final String host;
    private final int port;
    private final boolean ssl;
    private final String hostHeader;

    private final long maxRequestBytes;
    private final ProxyHeaders proxyHeaders;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger(); // counts for every event loop's client
    private final LongAdder rejected = new LongAdder();

    /**
     * @param maxRequestBytes request bodies larger than this are refused with 413 ({@code server.max-body-size})
     * @param proxyHeaders    what of a client's headers goes upstream
     * @param registry        where the in-flight gauge and the refusal counter go
     * @param eventLoops      the event loops serving requests: each gets its share of {@code max-connections}
     */
    public UpstreamClient(Vertx vertx, UpstreamConfig config, long maxRequestBytes, ProxyHeaders proxyHeaders,
                          MeterRegistry registry, int eventLoops) {
        this.vertx = requireNonNull(vertx, "vertx");
        this.proxyHeaders = requireNonNull(proxyHeaders, "proxyHeaders");
        this.config = requireNonNull(config, "config");
        this.maxRequestBytes = maxRequestBytes;
        this.maxInFlight = config.maxInFlight();
        this.basePath = config.basePath();
        this.host = config.host();
        this.port = config.port();
        this.ssl = config.ssl();
        this.hostHeader = host + ":" + port;
        if (eventLoops < 1) {
            throw new IllegalArgumentException("eventLoops: " + eventLoops + " (expected: >= 1)");
        }
        this.eventLoops = eventLoops;
        this.clientOptions = new HttpClientOptions()
                .setDefaultHost(host)
                .setDefaultPort(port)
                .setSsl(ssl)
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setDecompressionSupported(false);
        // waiting for a pooled connection is bounded too: never more waiters than requests allowed in flight
        int perLoop = Math.max(1, (config.maxConnections() + eventLoops - 1) / eventLoops);
        this.poolOptions = new PoolOptions().setHttp1MaxSize(perLoop).setMaxWaitQueueSize(maxInFlight);
        this.offLoop = newClient();
        Gauge.builder("levee.upstream.in.flight", inFlight, AtomicInteger::get)
                .description("Requests at the upstream, read path and proxy together").register(registry);
        FunctionCounter.builder("levee.upstream.rejected", rejected, LongAdder::sum)
                .description("Requests refused at once because upstream.max-in-flight were at the upstream")
                .register(registry);
    }

    private HttpClientAgent newClient() {
        return vertx.httpClientBuilder().with(clientOptions).with(poolOptions).build();
    }

    /**
     * The client of the caller's event loop. One pool shared by every loop hands a connection made on one loop to
     * a request on another, and each read and write of that exchange then hops between the two threads; a client
     * per loop (its connections made on the loop that asked, Vert.x's default) keeps an exchange on one thread.
     */
    private HttpClientAgent client() {
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
    private boolean acquire() {
        int n;
        do {
            n = inFlight.get();
            if (n >= maxInFlight) {
                rejected.increment();
                return false;
            }
        } while (!inFlight.compareAndSet(n, n + 1));
        return true;
    }

    /** A slot's release, safe to call from every path that ends an exchange: only the first call counts. */
    private Runnable releaser() {
        return new Release();
    }

    /** One object per proxied request (its own flag), where a lambda over an AtomicBoolean would be two. */
    private final class Release extends AtomicBoolean implements Runnable {
        @Override
        public void run() {
            if (compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        }
    }

    /**
     * True for the refusal of a request that never left the gateway ({@code max-in-flight} reached, or the
     * connection pool's wait queue full): it says nothing about the upstream's health.
     */
    public static boolean refusedLocally(Throwable e) {
        return e instanceof HttpError he && he.status() == 503;
    }

    private HttpError busyError() {
        return ErrorMapper.toHttpError(new UpstreamBusyException(maxInFlight));
    }

    private RequestOptions options(io.vertx.core.http.HttpMethod method, String uri, MultiMap headers) {
        return new RequestOptions()
                .setMethod(method)
                .setHost(host)
                .setPort(port)
                .setSsl(ssl)
                .setURI(basePath.isEmpty() ? uri : basePath + uri)
                .setHeaders(headers)
                .setConnectTimeout(config.timeout().toMillis()) // the wait for a pooled connection
                .putHeader("Host", hostHeader);
    }

    /** The forwarding rules, for stages that build their own upstream request (the read path). */
    public ProxyHeaders proxyHeaders() {
        return proxyHeaders;
    }

    /** Streams the routed request to the upstream and the upstream's answer back to the client. */
    public void proxy(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        HttpServerResponse resp = ctx.response();
        req.pause();
        long timeoutMs = config.timeout().toMillis();
        String declared = req.getHeader("Content-Length");
        if (declared != null && parseLong(declared) > maxRequestBytes) {
            JsonResponses.sendError(ctx, HttpError.payloadTooLarge(maxRequestBytes)); // and close, unread
            return;
        }
        boolean hasBody = req.headers().contains("Content-Length") || req.headers().contains("Transfer-Encoding");
        if (!acquire()) {
            if (hasBody && req.version() != io.vertx.core.http.HttpVersion.HTTP_2) { // HTTP/2 has no such header
                resp.putHeader("Connection", "close"); // the unread body must not be taken for the next request
            }
            JsonResponses.sendError(ctx, busyError());
            return;
        }
        Runnable release = releaser();
        long deadline = realNanos() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        MultiMap headers = proxyHeaders.forRequest(req);
        Buffer ahead = Bodies.buffered(ctx); // read before admission (AdmissionFeature): sent as it is
        headers.remove("Expect"); // the gateway answers it (Bodies.continueIfExpected); the upstream gets a body
        if (ahead != null) {
            headers.set("Content-Length", Integer.toString(ahead.length()));
        }
        long sentAt = realNanos();
        client().request(options(req.method(), req.uri(), headers)).onComplete(ar -> {
            if (ar.failed()) {
                release.run();
                JsonResponses.sendError(ctx, translate(ar.cause()));
                return;
            }
            HttpClientRequest upstream = ar.result();
            upstream.exceptionHandler(UpstreamClient::ended); // the outcome is the send's; unhandled, Vert.x logs it
            if (resp.closed()) { // the client left while we waited for a pooled connection
                upstream.reset();
                release.run();
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
                    release.run();
                }
                if (tooLarge[0]) {
                    JsonResponses.sendError(ctx, HttpError.payloadTooLarge(maxRequestBytes)); // and close, unread
                    return;
                }
                if (rar.failed()) {
                    JsonResponses.sendError(ctx, timedOut[0] ? timeoutError() : translate(rar.cause()));
                    return;
                }
                HttpClientResponse answer = rar.result();
                RequestState.of(ctx).upstream(hostHeader, realNanos() - sentAt); // to the response head
                resp.setStatusCode(answer.statusCode());
                resp.setStatusMessage(answer.statusMessage());
                ProxyHeaders.copyEndToEnd(answer.headers(), resp.headers());
                if (!answer.headers().contains("Content-Length")) {
                    resp.setChunked(true);
                }
                relay(answer, resp, req, release);
            });
        });
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

    /** A buffered exchange: the upstream's whole response, or a failed future with an {@link HttpError}. */
    @Override
    public Future<UpstreamResponse> fetch(UpstreamRequest request) {
        if (!acquire()) {
            return Future.failedFuture(busyError());
        }
        Promise<UpstreamResponse> promise = Promise.promise();
        promise.future().onComplete(done -> inFlight.decrementAndGet()); // a promise completes once
        long deadline = realNanos() + config.timeout().toNanos();
        client().request(options(request.method(), request.uri(), request.headers())).onComplete(ar -> {
            if (ar.failed()) {
                promise.fail(translate(ar.cause()));
                return;
            }
            HttpClientRequest upstream = ar.result();
            long timer = vertx.setTimer(millisLeft(deadline), t -> {
                promise.tryFail(timeoutError()); // first: the reset fails the send at once, as a 502 stream reset
                upstream.reset(0, new TimeoutException());
            });
            upstream.exceptionHandler(UpstreamClient::ended); // the outcome is the send's; unhandled, Vert.x logs it
            Future<HttpClientResponse> sent = request.body() == null ? upstream.send() : upstream.send(request.body());
            sent.compose(answer -> {
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
                    })
                    .onComplete(rar -> {
                        vertx.cancelTimer(timer);
                        if (rar.succeeded()) {
                            promise.tryComplete(rar.result());
                        } else {
                            promise.tryFail(translate(rar.cause()));
                        }
                    });
        });
        return promise.future();
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

    private HttpError timeoutError() {
        return HttpError.of(504, "Upstream timeout").with("timeout_ms", config.timeout().toMillis());
    }

    private HttpError translate(Throwable cause) {
        if (cause instanceof HttpError he) {
            return he;
        }
        if (cause instanceof ConnectionPoolTooBusyException) { // cannot happen while max-in-flight bounds the queue
            rejected.increment();
            return busyError();
        }
        if (cause instanceof TimeoutException || cause.getClass().getSimpleName().contains("Timeout")) {
            return timeoutError();
        }
        if (cause instanceof ConnectException || cause instanceof UnknownHostException
                || cause.getCause() instanceof ConnectException) {
            return HttpError.of(502, "Upstream unreachable").with("upstream", config.url());
        }
        return HttpError.of(502, "Upstream error").with("detail", String.valueOf(cause.getMessage()));
    }

    @Override
    public void close() {
        closed = true;
        clients.values().forEach(HttpClientAgent::close);
        offLoop.close();
    }
}
