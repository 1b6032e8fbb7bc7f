package dev.levee.gateway.upstream;

import dev.levee.gateway.config.UpstreamConfig;
import dev.levee.gateway.http.Bodies;
import dev.levee.gateway.http.HttpError;
import dev.levee.gateway.http.JsonResponses;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * The connection to the upstream: a pooled Vert.x HTTP client used two ways.
 * <ul>
 *   <li>{@link #proxy}: streams a client's request to the upstream and the response back, both ways with
 *       back-pressure, for everything the read path does not handle;</li>
 *   <li>{@link #fetch}: a buffered exchange, the bottom of the read path.</li>
 * </ul>
 * The upstream timeout bounds the wait for the response head (and, for {@link #fetch}, for the whole body): past
 * it the client gets 504. A connection that cannot be made gets 502. Both are JSON with an {@code error} field.
 */
public final class UpstreamClient implements UpstreamFetcher, AutoCloseable {
    /** A buffered upstream response larger than this is refused with 502 rather than held in memory. */
    public static final int MAX_BUFFERED_RESPONSE_BYTES = 64 << 20;

    private final Vertx vertx;
    private final UpstreamConfig config;
    private final HttpClientAgent client;
    private final String basePath;
    // parsed once: UpstreamConfig derives these from its URL on every call, and options() runs per request
    private final String host;
    private final int port;
    private final boolean ssl;
    private final String hostHeader;

    private final long maxRequestBytes;
    private final ProxyHeaders proxyHeaders;

    /**
     * @param maxRequestBytes request bodies larger than this are refused with 413 ({@code server.max-body-size})
     * @param proxyHeaders    what of a client's headers goes upstream
     */
    public UpstreamClient(Vertx vertx, UpstreamConfig config, long maxRequestBytes, ProxyHeaders proxyHeaders) {
        this.vertx = requireNonNull(vertx, "vertx");
        this.proxyHeaders = requireNonNull(proxyHeaders, "proxyHeaders");
        this.config = requireNonNull(config, "config");
        this.maxRequestBytes = maxRequestBytes;
        this.basePath = config.basePath();
        this.host = config.host();
        this.port = config.port();
        this.ssl = config.ssl();
        this.hostHeader = host + ":" + port;
        HttpClientOptions options = new HttpClientOptions()
                .setDefaultHost(host)
                .setDefaultPort(port)
                .setSsl(ssl)
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setDecompressionSupported(false);
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(config.maxConnections()).setMaxWaitQueueSize(-1);
        this.client = vertx.httpClientBuilder().with(options).with(pool).build();
    }

    private RequestOptions options(io.vertx.core.http.HttpMethod method, String uri, MultiMap headers) {
        return new RequestOptions()
                .setMethod(method)
                .setHost(host)
                .setPort(port)
                .setSsl(ssl)
                .setURI(basePath + uri)
                .setHeaders(headers)
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
        MultiMap headers = proxyHeaders.forRequest(req);
        Buffer ahead = Bodies.buffered(ctx); // read before admission (AdmissionFeature): sent as it is
        if (ahead != null) {
            headers.set("Content-Length", Integer.toString(ahead.length()));
            headers.remove("Expect"); // answered by the gateway already
        }
        client.request(options(req.method(), req.uri(), headers)).onComplete(ar -> {
            if (ar.failed()) {
                JsonResponses.sendError(ctx, translate(ar.cause()));
                return;
            }
            HttpClientRequest upstream = ar.result();
            upstream.idleTimeout(timeoutMs);
            long timer = vertx.setTimer(timeoutMs, t -> upstream.reset(0, new TimeoutException()));
            boolean stream = ahead == null && Bodies.hasBody(req);
            if (stream && !req.headers().contains("Content-Length")) {
                upstream.setChunked(true);
            }
            // a client that goes away takes its upstream request with it
            resp.closeHandler(v -> upstream.reset());
            boolean[] tooLarge = {false}; // only touched on this request's event loop
            Future<HttpClientResponse> sent;
            if (ahead != null) {
                sent = upstream.send(ahead);
            } else if (stream) {
                sent = upstream.send(new BoundedBody(req, maxRequestBytes, () -> {
                    tooLarge[0] = true;
                    upstream.reset();
                }));
            } else {
                sent = upstream.send();
            }
            sent.onComplete(rar -> {
                vertx.cancelTimer(timer);
                if (tooLarge[0]) {
                    JsonResponses.sendError(ctx, HttpError.payloadTooLarge(maxRequestBytes)); // and close, unread
                    return;
                }
                if (rar.failed()) {
                    JsonResponses.sendError(ctx, translate(rar.cause()));
                    return;
                }
                HttpClientResponse answer = rar.result();
                resp.setStatusCode(answer.statusCode());
                resp.setStatusMessage(answer.statusMessage());
                ProxyHeaders.copyEndToEnd(answer.headers(), resp.headers());
                if (!answer.headers().contains("Content-Length")) {
                    resp.setChunked(true);
                }
                resp.send(answer).onFailure(err -> {
                    if (!resp.ended()) {
                        req.connection().close();
                    }
                });
            });
        });
    }

    /** A buffered exchange: the upstream's whole response, or a failed future with an {@link HttpError}. */
    @Override
    public Future<UpstreamResponse> fetch(UpstreamRequest request) {
        long timeoutMs = config.timeout().toMillis();
        Promise<UpstreamResponse> promise = Promise.promise();
        client.request(options(request.method(), request.uri(), request.headers())).onComplete(ar -> {
            if (ar.failed()) {
                promise.fail(translate(ar.cause()));
                return;
            }
            HttpClientRequest upstream = ar.result();
            long timer = vertx.setTimer(timeoutMs, t -> {
                upstream.reset(0, new TimeoutException());
                promise.tryFail(timeoutError());
            });
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
        client.close();
    }
}
