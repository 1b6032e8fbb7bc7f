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
package dev.levee.gateway;

import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;
import dev.levee.gateway.chain.Filter;
import dev.levee.gateway.chain.RequestChain;
import dev.levee.gateway.chain.Stage;
import dev.levee.gateway.config.ConfigIdentity;
import dev.levee.gateway.config.ConfigException;
import dev.levee.gateway.config.Http2Config;
import dev.levee.gateway.config.LeveeConfig;
import dev.levee.gateway.config.RouteConfig;
import dev.levee.gateway.config.ServerConfig;
import dev.levee.gateway.config.TlsConfig;
import dev.levee.gateway.http.AdminAuth;
import dev.levee.gateway.http.HttpError;
import dev.levee.gateway.http.JsonResponses;
import dev.levee.gateway.http.RequestGuard;
import dev.levee.gateway.http.RequestTargets;
import dev.levee.gateway.ops.AccessLog;
import dev.levee.gateway.ops.OpsEndpoints;
import dev.levee.gateway.ops.RequestMetrics;
import dev.levee.gateway.tracing.Tracing;
import dev.levee.gateway.upstream.ProxyHeaders;
import dev.levee.gateway.upstream.UpstreamClient;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * The gateway: one router, served by one HTTP server instance per event loop on the configured port.
 *
 * <p>Request flow: request guard (framing, identity headers), then the request chain declared in {@link Assembly}
 * (metrics, ops, route match, warming, authentication, admission, events, read path, hot-spot proxy guard, proxy).
 * The ops endpoints are also served, without a token, on the admin listener ({@code admin.host:port}, loopback by
 * default), whose router is the ops surface only.
 *
 * <p>Shutdown ({@link #shutdown}), as a Kubernetes pod should: readiness answers 503 at once while every other
 * request is still served for {@code server.drain-period} (so load balancers stop sending), then the servers stop
 * accepting and let in-flight requests finish within {@code server.shutdown-grace}, then features drain (events
 * within {@code events.drain-grace}) and log what is left, then the upstream client closes.
 */
public final class GatewayServer {
    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

    private final Vertx vertx;
    private final LeveeConfig config; // the start-up config: what the listeners were bound with
    private final ConfigReloader reloader; // the config running now (start-up's until a reload), and its reload
    private final PrometheusMeterRegistry registry;
    private final UpstreamClient upstream;
    private final List<GatewayFeature> features;
    private final Scheduler scheduler;
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>(); // each listens on its own event loop
    private volatile String deployment; // the server verticle's, undeployed last on shutdown; null before listen
    private HttpServer adminServer; // null when admin.listen is false
    private final AtomicBoolean accepting = new AtomicBoolean(true);
    /** What the public port serves (null: cleartext); replaced by the reload, read by the log and the tests. */
    private volatile TlsConfig.@Nullable Material tlsMaterial;
    private final HttpServerOptions publicOptions;
    private volatile String tlsStamp = "";
    private final AtomicBoolean reloading = new AtomicBoolean();
    private long tlsTimer = -1;
    private final Router router;
    private final Router adminRouter;
    private List<Stage> stages;
    private AccessLog accessLog; // built with the public router
    private final @Nullable Tracing tracing; // null: tracing off

    private GatewayServer(Vertx vertx, LeveeConfig config, Ticker ticker, Scheduler scheduler,
                          List<Function<GatewayContext, GatewayFeature>> factories, List<Filter> extraFilters) {
        this.vertx = vertx;
        this.config = config;
        this.scheduler = scheduler;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        this.upstream = new UpstreamClient(vertx, config.upstreamClusters(), config.server().maxBodySize().bytes(),
                new ProxyHeaders(config.server().trustedProxies()), registry, config.server().eventLoopCount(),
                ticker);
        this.reloader = new ConfigReloader(config, ticker, upstream, registry);
        this.tracing = Tracing.create(config.tracing());
        List<GatewayFeature> built = new ArrayList<>();
        // a read-only view: while a feature is built it lists those built before it (what it may take from them);
        // once the server is built it lists them all
        List<GatewayFeature> view = java.util.Collections.unmodifiableList(built);
        GatewayContext context = new GatewayContext(vertx, reloader::config, ticker, scheduler, registry, upstream,
                view);
        for (Function<GatewayContext, GatewayFeature> factory : factories) {
            built.add(factory.apply(context));
        }
        this.features = List.copyOf(built);
        TlsConfig tls = config.server().tls();
        this.tlsMaterial = tls.enabled() ? tls.load() : null;
        this.publicOptions = serverOptions(config.server(), tlsMaterial);
        reloader.features(features);
        this.adminRouter = buildAdminRouter(ticker);
        this.router = buildRouter(context, ticker, extraFilters);
    }

    /** Starts the gateway with every feature, on the system ticker. */
    public static Future<GatewayServer> start(Vertx vertx, LeveeConfig config) {
        return start(vertx, config, Ticker.system(), new VertxScheduler(vertx), Features.all());
    }

    /** Starts the gateway with the given time source and features (tests use a subset or a manual ticker). */
    public static Future<GatewayServer> start(Vertx vertx, LeveeConfig config, Ticker ticker, Scheduler scheduler,
                                              List<Function<GatewayContext, GatewayFeature>> features) {
        return start(vertx, config, ticker, scheduler, features, List.of());
    }

    /**
     * As above, with {@code extraFilters} put into the request chain at their stages (tests stand a handler in for
     * a stage whose feature they leave out; a stage already taken fails the start).
     */
    public static Future<GatewayServer> start(Vertx vertx, LeveeConfig config, Ticker ticker, Scheduler scheduler,
                                              List<Function<GatewayContext, GatewayFeature>> features,
                                              List<Filter> extraFilters) {
        requireNonNull(vertx, "vertx");
        requireNonNull(config, "config");
        requireNonNull(extraFilters, "extraFilters");
        GatewayServer gateway;
        try {
            gateway = new GatewayServer(vertx, config, ticker, scheduler, features, extraFilters);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        return gateway.listen().map(gateway);
    }

    /** Scheduler for features that want core timeouts on this Vert.x. */
    public static Scheduler scheduler(Vertx vertx) {
        return new VertxScheduler(vertx);
    }

    /**
     * The public router: the request chain of {@link Assembly}, then the error handlers. Every path of the admin
     * router (health sections, metrics, dashboard, docs, figures, resets) is an ops path: on the public port it
     * needs {@code admin.token} as a bearer token; the probes need nothing.
     */
    private Router buildRouter(GatewayContext context, Ticker ticker, List<Filter> extraFilters) {
        Router r = Router.router(vertx);
        Set<String> opsPaths = opsPaths(adminRouter);
        RequestMetrics metrics = new RequestMetrics(registry, ticker, path -> label(opsPaths, path));
        Consumer<Router> ops = router -> {
            OpsEndpoints endpoints = new OpsEndpoints(features, registry, accepting::get, this::configIdentity);
            Router probesOnly = Router.router(vertx);
            endpoints.mountProbes(probesOnly);
            Set<String> probes = opsPaths(probesOnly);
            endpoints.mountProbes(router);
            AdminAuth adminAuth = new AdminAuth(config.admin().token());
            router.route().handler(ctx -> {
                String path = withoutTrailingSlashes(ctx.normalizedPath()); // the router matches "/metrics/" too
                if (opsPaths.contains(path) && !probes.contains(path)) {
                    adminAuth.handle(ctx);
                } else {
                    ctx.next();
                }
            });
            mountOps(router, endpoints);
        };
        this.accessLog = new AccessLog(config.accessLog(), ticker, registry);
        RequestChain chain = Assembly.publicChain(context, metrics, accessLog, ops, tracing, upstream)
                .with(extraFilters);
        this.stages = chain.stages();
        chain.mount(r);
        mountErrors(r);
        return r;
    }

    /** The stages of the public request chain, in order (see {@link Assembly}). */
    public List<Stage> stages() {
        return stages;
    }

    /** The admin listener's router: the ops surface only, without a token (it listens on the loopback). */
    private Router buildAdminRouter(Ticker ticker) {
        Router r = Router.router(vertx);
        Set<String> opsPaths = new HashSet<>();
        r.route().handler(new RequestMetrics(registry, ticker, path -> label(opsPaths, path))::handle);
        OpsEndpoints ops = new OpsEndpoints(features, registry, accepting::get, this::configIdentity);
        ops.mountProbes(r);
        mountOps(r, ops);
        opsPaths.addAll(opsPaths(r));
        mountErrors(r);
        return r;
    }

    private void mountOps(Router r, OpsEndpoints ops) {
        ops.mount(r);
        // the token on both listeners, as every POST that changes the gateway (the admin one serves without it)
        r.post(RELOAD_PATH).handler(new AdminAuth(config.admin().token())).handler(ctx -> vertx.executeBlocking(this::reload, false).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            ReloadResult result = ar.result();
            JsonResponses.send(ctx, ReloadResult.REJECTED.equals(result.status()) ? 422 : 200, result);
        }));
        features.forEach(f -> f.mountOps(r));
    }

    /** {@code POST /admin/reload}: reads the config file again and applies it (see {@link #reload()}). */
    public static final String RELOAD_PATH = "/admin/reload";

    /**
     * Where {@link #reload()} reads the new config from: {@code levee serve} passes its {@code --config} file, read
     * with the environment overrides as at start-up. Without one, a reload is rejected.
     */
    public void reloadFrom(Callable<LeveeConfig> source) {
        reloader.source(source);
    }

    /**
     * Reads the config again (see {@link #reloadFrom}) and, if valid, applies it: new requests run on the new
     * routes, limits, classes and upstreams, those in flight finish on the old; an unchanged route keeps its state.
     * Invalid: rejected, the old config keeps running. Blocks (it reads a file): never call it on an event loop.
     * {@code SIGHUP} and {@code POST /admin/reload} call it.
     */
    public ReloadResult reload() {
        return reloader.reload();
    }

    /** Applies {@code next} as {@link #reload()} applies the file it reads (tests and embedders). */
    public ReloadResult reload(LeveeConfig next) {
        return reloader.apply(next);
    }

    /** The config generation running: 1 from the start, +1 per applied reload. */
    public long configGeneration() {
        return reloader.current().number();
    }

    private static void mountErrors(Router r) {
        // a handler that threw, or failed its context without a cause: as ErrorMapper maps it (a 500 unless known)
        r.errorHandler(500, ctx -> JsonResponses.sendError(ctx,
                ctx.failure() != null ? ctx.failure() : HttpError.of(500, "Internal error")));
        r.errorHandler(404, ctx -> JsonResponses.sendError(ctx, HttpError.of(404, "Not found")));
        r.errorHandler(405, ctx -> JsonResponses.sendError(ctx, HttpError.of(405, "Method not allowed")));
    }

    private static String withoutTrailingSlashes(String path) {
        int end = path.length();
        while (end > 1 && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(0, end);
    }

    private static Set<String> opsPaths(Router r) {
        Set<String> paths = new HashSet<>();
        for (Route route : r.getRoutes()) {
            if (route.getPath() != null) {
                paths.add(route.getPath());
            }
        }
        return paths;
    }

    /**
     * The metrics label of a request no stage labelled (one that ended before the route match, e.g. on the ops
     * stage or the admin listener): ops paths as themselves, else the configured route's path, else "proxy".
     */
    private String label(Set<String> opsPaths, String path) {
        if (opsPaths.contains(path)) {
            return path;
        }
        // as the read path matches, on the config running now
        RouteConfig route = reloader.config().routeFor(RequestTargets.canonicalPath(path));
        return route != null ? route.path() : "proxy";
    }

    /**
     * One HTTP server per event loop, all on the public port. A server serves its connections on the context it is
     * created on: the servers are deployed as instances of one verticle, each with an event-loop context of its own
     * (Vert.x hands them out round-robin), and Vert.x's server sharing spreads accepted connections over them.
     * Created one after another on the first server's context instead, they would all serve on its one event loop.
     */
    private Future<Void> listen() {
        int instances = config.server().eventLoopCount();
        HttpServerOptions options = publicOptions;
        // Vert.x spreads connections over server instances that share a port; a negative port is its way of
        // sharing one random port between instances (port 0 would give each instance its own).
        int port = config.server().port() == 0 ? -1 : config.server().port();
        // every request passes the guard before the router sees it; it also installs the strict decoder
        RequestGuard guard = new RequestGuard(router, config.server().maxHeaders(),
                config.server().maxBodySize().bytes(), options, config.server().headerTimeout());
        Supplier<Deployable> server = () -> context -> guard.createServer(vertx)
                .listen(port, config.server().host()).map(s -> {
                    servers.add(s);
                    return null;
                });
        return vertx.deployVerticle(server, new DeploymentOptions().setInstances(instances))
                .<Void>map(id -> {
                    deployment = id;
                    return null;
                })
                .compose(v -> listenAdmin(options)).onSuccess(v -> features.forEach(f -> f.listening(port())))
                .onSuccess(v -> startTlsReload())
                .onSuccess(v -> log.info(
                "levee gateway listening on {}:{} ({} event loops, {}{}) -> upstream {}; admin on {}",
                config.server().host(), port(), instances, tlsMaterial != null ? "TLS " + tlsMaterial.describe()
                        : "cleartext", http2Description(), config.upstream().url(), adminServer == null
                        ? "the public port (token)" : config.admin().host() + ":" + adminPort()));
    }

    private String http2Description() {
        Http2Config h2 = config.server().http2();
        if (!h2.enabled()) {
            return ", HTTP/1.1";
        }
        return tlsMaterial != null ? ", h2 and HTTP/1.1 by ALPN"
                : h2.clearText() ? ", h2c and HTTP/1.1" : ", HTTP/1.1";
    }

    /** The public listener's options: timeouts, HTTP/2 settings and limits, and TLS when {@code material} is set. */
    static HttpServerOptions serverOptions(ServerConfig server, TlsConfig.@Nullable Material material) {
        Http2Config h2 = server.http2();
        HttpServerOptions options = new HttpServerOptions()
                .setHost(server.host())
                .setAcceptBacklog(8192)
                .setTcpNoDelay(true)
                .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, server.idleTimeout().toMillis()))
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setCompressionSupported(false)
                .setHttp2ClearTextEnabled(h2.enabled() && h2.clearText() && material == null)
                .setInitialSettings(new Http2Settings()
                        .setMaxConcurrentStreams(h2.maxConcurrentStreams())
                        .setMaxHeaderListSize(h2.maxHeaderListSize().bytes()))
                // rapid reset (CVE-2023-44487): Netty counts RST_STREAM frames per window and sends GOAWAY past it
                .setHttp2RstFloodMaxRstFramePerWindow(h2.rstFloodMaxPerWindow())
                .setHttp2RstFloodWindowDuration((int) h2.rstFloodWindow().toSeconds())
                .setHttp2RstFloodWindowDurationTimeUnit(TimeUnit.SECONDS);
        if (material != null) {
            TlsConfig tls = server.tls();
            options.setSsl(true)
                    .setUseAlpn(h2.enabled())
                    .setAlpnVersions(h2.enabled() ? List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1)
                            : List.of(HttpVersion.HTTP_1_1))
                    .setKeyCertOptions(keyCertOptions(tls, material))
                    .setEnabledSecureTransportProtocols(new LinkedHashSet<>(tls.protocols()));
            tls.cipherSuites().forEach(options::addEnabledCipherSuite);
        }
        return options;
    }

    /** The key and certificate as Vert.x takes them: the bytes that were checked, so what is served is what was read. */
    static KeyCertOptions keyCertOptions(TlsConfig tls, TlsConfig.Material material) {
        Buffer keystore = material.keystore();
        if (keystore != null) {
            return new PfxOptions().setValue(keystore).setPassword(tls.keystorePassword());
        }
        return new PemKeyCertOptions().setCertValue(material.cert()).setKeyValue(material.key());
    }

    /**
     * Certificate reload: every {@code server.tls.reload-interval}, the files' modification times and sizes are
     * compared with the last seen (off the event loop); when they changed, the files are read and checked as at
     * start-up, and if they differ from what is served, every public server instance gets them for its next
     * handshakes. A file that is unreadable or wrong (say, the certificate replaced and the key not yet) is logged
     * once per change and the served certificate stays; the next change is tried again.
     */
    private void startTlsReload() {
        TlsConfig tls = config.server().tls();
        if (tlsMaterial == null || tls.reloadInterval().isZero()) {
            return;
        }
        tlsStamp = stamp(tls);
        tlsTimer = vertx.setPeriodic(tls.reloadInterval().toMillis(), id -> {
            if (reloading.compareAndSet(false, true)) {
                vertx.executeBlocking(() -> checkTlsFiles(tls)).onComplete(ar -> {
                    reloading.set(false);
                    if (ar.failed()) {
                        log.warn("server.tls: checking the certificate files failed", ar.cause());
                    }
                });
            }
        });
    }

    private @Nullable Void checkTlsFiles(TlsConfig tls) {
        String now = stamp(tls);
        if (now.equals(tlsStamp)) {
            return null;
        }
        tlsStamp = now;
        TlsConfig.Material current = tlsMaterial;
        TlsConfig.Material next;
        try {
            next = tls.load();
        } catch (ConfigException e) {
            log.warn("server.tls.{} -- keeping the served certificate until the files change again", e.getMessage());
            return null;
        }
        if (current != null && next.sameAs(current)) {
            return null;
        }
        ServerSSLOptions ssl = publicOptions.getSslOptions().copy().setKeyCertOptions(keyCertOptions(tls, next));
        List<Future<Boolean>> updates = new ArrayList<>();
        for (HttpServer s : servers) {
            updates.add(s.updateSSLOptions(ssl, true));
        }
        Future.all(updates).onSuccess(v -> {
            tlsMaterial = next;
            log.info("server.tls: certificate reloaded from {}: {} (was {})", tls.files(), next.describe(),
                    current == null ? "none" : current.describe());
        }).onFailure(e -> log.warn("server.tls: reloading the certificate failed; the served one stays", e));
        return null;
    }

    /** Modification time and size of each watched file ("missing" for one that cannot be read). */
    private static String stamp(TlsConfig tls) {
        StringBuilder sb = new StringBuilder();
        for (Path file : tls.files()) {
            try {
                sb.append(Files.getLastModifiedTime(file).toMillis()).append('/').append(Files.size(file)).append(';');
            } catch (IOException e) {
                sb.append("missing;");
            }
        }
        return sb.toString();
    }

    /** The certificate the public port serves to new handshakes (null without TLS). */
    public java.security.cert.@Nullable X509Certificate servedCertificate() {
        TlsConfig.Material m = tlsMaterial;
        return m == null ? null : m.leaf();
    }

    private Future<Void> listenAdmin(HttpServerOptions publicOptions) {
        if (!config.admin().listen()) {
            return Future.succeededFuture();
        }
        // the admin listener is on the loopback: cleartext HTTP/1.1, whatever the public port speaks
        HttpServerOptions options = new HttpServerOptions(publicOptions).setHost(config.admin().host())
                .setSsl(false).setUseAlpn(false).setKeyCertOptions(null).setHttp2ClearTextEnabled(false);
        RequestGuard guard = new RequestGuard(adminRouter, config.server().maxHeaders(),
                config.server().maxBodySize().bytes(), options, config.server().headerTimeout());
        return guard.createServer(vertx).listen(config.admin().port(), config.admin().host()).map(s -> {
            adminServer = s;
            return null;
        });
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return servers.isEmpty() ? -1 : servers.get(0).actualPort();
    }

    /** The admin listener's port, or -1 without one ({@code admin.listen: false}). */
    public int adminPort() {
        return adminServer == null ? -1 : adminServer.actualPort();
    }

    /** The hash of the config this gateway runs and when it was loaded, as {@code /health} shows them. */
    public ConfigIdentity configIdentity() {
        return reloader.current().identity();
    }

    /** The config running now: the start-up one until a reload applies another. */
    public LeveeConfig config() {
        return reloader.config();
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

    /**
     * Graceful stop: not-ready at once, keep serving for the drain period (timed by the gateway's scheduler), stop
     * accepting and let in-flight requests finish within the shutdown grace, drain features, close. A second call
     * returns at once.
     */
    public Future<Void> shutdown() {
        if (!accepting.compareAndSet(true, false)) { // readiness answers 503 from here on
            return Future.succeededFuture();
        }
        if (tlsTimer >= 0) {
            vertx.cancelTimer(tlsTimer);
        }
        long drainMs = config.server().drainPeriod().toMillis();
        long graceMs = config.server().shutdownGrace().toMillis();
        log.info("levee gateway shutting down: readiness 503, serving {} ms more, then in-flight requests get {} ms, "
                + "then events get {} ms", drainMs, graceMs, config.events().drainGrace().toMillis());
        features.forEach(f -> {
            try {
                f.beginShutdown();
            } catch (RuntimeException e) {
                log.warn("feature {} failed to begin shutdown", f.name(), e);
            }
        });
        Promise<Void> drained = Promise.promise();
        if (drainMs == 0) {
            drained.complete();
        } else {
            scheduler.schedule(drained::tryComplete, drainMs, TimeUnit.MILLISECONDS);
        }
        return drained.future().compose(v -> {
                    log.info("levee gateway: drain period over, no new connections");
                    List<Future<Void>> stops = new ArrayList<>();
                    for (HttpServer s : servers) {
                        stops.add(s.shutdown(graceMs, TimeUnit.MILLISECONDS));
                    }
                    return Future.join(stops);
                })
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
                    if (accessLog != null) {
                        accessLog.close(); // after the listeners: every line of a served request is in
                    }
                    if (adminServer != null) { // last: metrics and health stay readable while the gateway drains
                        adminServer.close();
                    }
                    registry.close();
                    // after the listeners: every span of a served request is in; the last export may wait for
                    // the collector (up to tracing.export-timeout), on a worker thread, never the event loop
                    return tracing == null ? Future.<Void>succeededFuture()
                            : vertx.<Void>executeBlocking(() -> {
                                tracing.close();
                                return null;
                            }, false).otherwiseEmpty();
                })
                .transform(ar -> {
                    // its servers are shut down already; awaited, so a Vert.x closed next finds nothing to undeploy
                    return deployment == null ? Future.<Void>succeededFuture()
                            : vertx.undeploy(deployment).otherwiseEmpty();
                });
    }
}
