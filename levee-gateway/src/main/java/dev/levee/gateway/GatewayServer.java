package dev.levee.gateway;

import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;
import dev.levee.gateway.config.LeveeConfig;
import dev.levee.gateway.config.RouteConfig;
import dev.levee.gateway.http.HttpError;
import dev.levee.gateway.http.JsonResponses;
import dev.levee.gateway.http.RequestGuard;
import dev.levee.gateway.ops.OpsEndpoints;
import dev.levee.gateway.ops.RequestMetrics;
import dev.levee.gateway.upstream.ProxyHeaders;
import dev.levee.gateway.upstream.UpstreamClient;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * The gateway: one router, served by one HTTP server instance per event loop on the configured port.
 *
 * <p>Request flow: metrics -> ops endpoints (no admission) -> guards (authentication, admission) -> routes
 * (events, read path) -> plain streaming proxy. See {@link GatewayFeature} for how capabilities plug in.
 *
 * <p>Shutdown ({@link #shutdown}): readiness turns not-ready, the servers stop accepting and let in-flight
 * requests finish within {@code server.shutdown-grace}, features drain, then the upstream client closes.
 */
public final class GatewayServer {
    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

    private final Vertx vertx;
    private final LeveeConfig config;
    private final PrometheusMeterRegistry registry;
    private final UpstreamClient upstream;
    private final List<GatewayFeature> features;
    private final List<HttpServer> servers = new ArrayList<>();
    private final AtomicBoolean accepting = new AtomicBoolean(true);
    private final Router router;

    private GatewayServer(Vertx vertx, LeveeConfig config, Ticker ticker, Scheduler scheduler,
                          List<Function<GatewayContext, GatewayFeature>> factories) {
        this.vertx = vertx;
        this.config = config;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        this.upstream = new UpstreamClient(vertx, config.upstream(), config.server().maxBodySize().bytes(),
                new ProxyHeaders(config.server().trustedProxies()), registry);
        List<GatewayFeature> built = new ArrayList<>();
        // a read-only view: while a feature is built it lists those built before it; once the server is built it
        // lists them all, so the read path can find fetch decorators of features built after it at request time
        List<GatewayFeature> view = java.util.Collections.unmodifiableList(built);
        for (Function<GatewayContext, GatewayFeature> factory : factories) {
            built.add(factory.apply(new GatewayContext(vertx, config, ticker, scheduler, registry, upstream, view)));
        }
        this.features = List.copyOf(built);
        this.router = buildRouter(ticker);
    }

    /** Starts the gateway with every feature, on the system ticker. */
    public static Future<GatewayServer> start(Vertx vertx, LeveeConfig config) {
        return start(vertx, config, Ticker.system(), new VertxScheduler(vertx), Features.all());
    }

    /** Starts the gateway with the given time source and features (tests use a subset or a manual ticker). */
    public static Future<GatewayServer> start(Vertx vertx, LeveeConfig config, Ticker ticker, Scheduler scheduler,
                                              List<Function<GatewayContext, GatewayFeature>> features) {
        requireNonNull(vertx, "vertx");
        requireNonNull(config, "config");
        GatewayServer gateway;
        try {
            gateway = new GatewayServer(vertx, config, ticker, scheduler, features);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        return gateway.listen().map(gateway);
    }

    /** Scheduler for features that want core timeouts on this Vert.x. */
    public static Scheduler scheduler(Vertx vertx) {
        return new VertxScheduler(vertx);
    }

    private Router buildRouter(Ticker ticker) {
        Router r = Router.router(vertx);
        Set<String> opsPaths = new HashSet<>();
        r.route().handler(new RequestMetrics(registry, ticker, path -> {
            if (opsPaths.contains(path)) {
                return path;
            }
            RouteConfig route = config.routeFor(path);
            return route != null ? route.path() : "proxy";
        })::handle);

        new OpsEndpoints(features, registry, accepting::get).mount(r);
        features.forEach(f -> f.mountOps(r));
        for (Route route : r.getRoutes()) {
            if (route.getPath() != null) {
                opsPaths.add(route.getPath());
            }
        }
        features.forEach(f -> f.mountGuards(r));
        features.forEach(f -> f.mountRoutes(r));
        r.route().handler(upstream::proxy);
        r.errorHandler(500, ctx -> JsonResponses.sendError(ctx, ctx.failure()));
        r.errorHandler(404, ctx -> JsonResponses.sendError(ctx, HttpError.of(404, "Not found")));
        r.errorHandler(405, ctx -> JsonResponses.sendError(ctx, HttpError.of(405, "Method not allowed")));
        return r;
    }

    private Future<Void> listen() {
        int instances = config.server().eventLoops() > 0 ? config.server().eventLoops()
                : 2 * Runtime.getRuntime().availableProcessors();
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.server().host())
                .setAcceptBacklog(8192)
                .setTcpNoDelay(true)
                .setIdleTimeout(120)
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setCompressionSupported(false)
                // h2c upgrades of requests that carry a body stall with some clients; cleartext stays HTTP/1.1
                .setHttp2ClearTextEnabled(false);
        // Vert.x spreads connections over server instances that share a port; a negative port is its way of
        // sharing one random port between instances (port 0 would give each instance its own).
        int port = config.server().port() == 0 ? -1 : config.server().port();
        // every request passes the guard before the router sees it; it also installs the strict decoder
        RequestGuard guard = new RequestGuard(router, config.server().maxHeaders(),
                config.server().maxBodySize().bytes(), options);
        HttpServer first = vertx.createHttpServer(options).connectionHandler(guard::accept).requestHandler(guard);
        return first.listen(port, config.server().host()).compose(s -> {
            servers.add(s);
            Future<Void> chain = Future.succeededFuture();
            for (int i = 1; i < instances; i++) {
                chain = chain.compose(v -> vertx.createHttpServer(options).connectionHandler(guard::accept)
                        .requestHandler(guard).listen(port, config.server().host()).map(x -> {
                            servers.add(x);
                            return null;
                        }));
            }
            return chain;
        }).onSuccess(v -> log.info("levee gateway listening on {}:{} -> upstream {}", config.server().host(),
                port(), config.upstream().url()));
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return servers.isEmpty() ? -1 : servers.get(0).actualPort();
    }

    public LeveeConfig config() {
        return config;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public List<GatewayFeature> features() {
        return features;
    }

    /** "METHOD path" of every route with an exact path (ops endpoints, event ingestion), for the OpenAPI test. */
    public List<String> routePaths() {
        List<String> out = new ArrayList<>();
        for (Route route : router.getRoutes()) {
            if (route.getPath() == null) {
                continue;
            }
            if (route.methods() == null || route.methods().isEmpty()) {
                out.add("* " + route.getPath());
            } else {
                route.methods().forEach(m -> out.add(m.name() + " " + route.getPath()));
            }
        }
        return out;
    }

    /** The feature of {@code type}, for tests and the dashboard. */
    public <T extends GatewayFeature> T feature(Class<T> type) {
        return features.stream().filter(type::isInstance).map(type::cast).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no feature " + type.getSimpleName()));
    }

    /** Graceful stop: not-ready, stop accepting, let in-flight requests finish within the grace, drain, close. */
    public Future<Void> shutdown() {
        if (!accepting.compareAndSet(true, false)) {
            return Future.succeededFuture();
        }
        long graceMs = config.server().shutdownGrace().toMillis();
        log.info("levee gateway shutting down (grace {} ms)", graceMs);
        List<Future<Void>> stops = new ArrayList<>();
        for (HttpServer s : servers) {
            stops.add(s.shutdown(graceMs, TimeUnit.MILLISECONDS));
        }
        return Future.join(stops)
                .transform(ar -> {
                    List<Future<Void>> drains = new ArrayList<>();
                    features.forEach(f -> drains.add(f.drain()));
                    return Future.join(drains);
                })
                .transform(ar -> {
                    features.forEach(f -> {
                        try {
                            f.close();
                        } catch (RuntimeException e) {
                            log.warn("closing feature {} failed", f.name(), e);
                        }
                    });
                    upstream.close();
                    registry.close();
                    return Future.<Void>succeededFuture();
                });
    }
}
