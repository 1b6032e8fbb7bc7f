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
package dev.levee.gateway.admission;

import dev.levee.core.admission.AdaptiveLimit;
import dev.levee.core.admission.AdaptiveLimitStats;
import dev.levee.core.admission.AdmissionRejectedException;
import dev.levee.core.admission.AdmissionStats;
import dev.levee.core.admission.ClassStats;
import dev.levee.core.admission.Permit;
import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.admission.ShedReason;
import dev.levee.core.time.Ticker;
import dev.levee.gateway.GatewayContext;
import dev.levee.micrometer.AdmissionMetrics;
import dev.levee.gateway.GatewayFeature;
import dev.levee.gateway.auth.Authenticated;
import dev.levee.gateway.auth.Classifier;
import dev.levee.gateway.auth.JwtAuthenticator;
import dev.levee.gateway.config.AdmissionConfig;
import dev.levee.gateway.config.LeveeConfig;
import dev.levee.gateway.http.Bodies;
import dev.levee.gateway.http.HttpError;
import dev.levee.gateway.http.JsonResponses;
import dev.levee.gateway.http.ErrorMapper;
import dev.levee.gateway.ops.HealthReport;
import dev.levee.gateway.ops.HealthStatus;
import dev.levee.gateway.ops.OpsEndpoints;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.Router;
import dev.levee.gateway.chain.EventLoop;
import dev.levee.gateway.chain.RequestState;
import dev.levee.gateway.chain.RequestTrace;
import io.opentelemetry.api.trace.Span;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Authentication, classification and priority admission in front of every non-ops request, plus
 * {@code GET /health/backpressure} and the {@code levee_admission_*} metrics.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li><b>Two stages:</b> {@link #authenticate} (a present but bad token is a 401 before it can cost a permit) ->
 *       classify (the class and the subject go to the {@link RequestState}), then, after the warming check,
 *       {@link #admit}: read the body, if there is one -> admission. With
 *       {@code admission.enabled: false} the request is still authenticated, classified and its body read, then
 *       passed on.</li>
 *   <li><b>Body before permit:</b> a permit is a slot of the upstream's concurrency; a client that sends its body
 *       slowly would hold one for as long as it likes (210 such clients held 200 permits and an agent got no
 *       answer). So the whole body is read first ({@link Bodies#buffer}): at most {@code server.max-body-size}
 *       (413), within {@code server.body-timeout} (408), within {@code server.body-buffer-limit} for all bodies
 *       being read (503); each of those errors closes the connection without reading the rest. Only a complete
 *       body asks for a permit, and the stages after admission use the buffered body.</li>
 *   <li><b>Exactly-once release:</b> the guard registers one end handler before it asks for a permit. Vert.x
 *       runs it when the response ends, when the connection closes (client gone, while queued or while being
 *       served) and after a handler failure rendered its error, since that also ends the response. It cancels
 *       the waiter if still queued; if the waiter already holds a permit it releases it. The permit's own
 *       release is idempotent and core resolves a cancel racing a grant (see DefaultPriorityAdmission), so
 *       every path frees the permit once.</li>
 *   <li><b>Threads:</b> a permit may be granted on another event loop (the one that released it) or on a
 *       timer; the continuation hops back to the request's own context before touching the request.</li>
 *   <li><b>Ops paths:</b> the ops stage comes before authentication: ops endpoints never reach it. A path under an ops
 *       prefix (health, metrics, dashboard, docs) that reaches the guard has no endpoint: it gets 404 here and is
 *       never proxied, so the prefixes cannot be used to reach the upstream without admission.</li>
 * </ul>
 */
public final class AdmissionFeature implements GatewayFeature {
    private static final Logger log = LoggerFactory.getLogger(AdmissionFeature.class);

    /** Path prefixes that belong to the gateway's own operations surface and are never admitted or proxied. */
    static final List<String> OPS_PREFIXES = List.of("/health", "/metrics", "/dashboard", "/docs",
            "/api/v1/health", "/api/v1/metrics");

    private volatile AdmissionConfig config; // a reload replaces it (and the classifier): see reconfigure
    private final JwtAuthenticator authenticator;
    private volatile Classifier classifier;
    private final PriorityAdmission admission;
    private final AdmissionMetrics metrics;
    private final long maxBodyBytes;
    private final Duration bodyTimeout;
    private final Bodies.Budget bodyBudget;

    public AdmissionFeature(GatewayContext gateway) {
        this.config = gateway.config().admission();
        this.maxBodyBytes = gateway.config().server().maxBodySize().bytes();
        this.bodyTimeout = gateway.config().server().bodyTimeout();
        this.bodyBudget = new Bodies.Budget(gateway.config().server().bodyBufferLimit().bytes());
        this.authenticator = new JwtAuthenticator(gateway.config().auth().jwt(), gateway.ticker(), gateway.vertx());
        this.classifier = new Classifier(config);
        PriorityAdmission.Builder b = PriorityAdmission.builder();
        if (config.maxConcurrent().auto()) {
            b.adaptiveLimit(adaptiveLimit(config.adaptive()));
        } else {
            b.maxConcurrent(config.maxConcurrent().value());
        }
        b.queueCapacity(config.queueCapacity())
                .maxWait(config.maxWait())
                .fixedRetryAfter(config.retryAfter())
                .retryAfterMax(config.retryAfterMax())
                .ticker(gateway.ticker())
                .scheduler(gateway.scheduler());
        for (AdmissionConfig.ClassConfig c : config.classes()) {
            b.addClass(c.name(), c.queueCapacity() == null ? config.queueCapacity() : c.queueCapacity());
        }
        this.admission = b.build();
        this.metrics = bindMetrics(gateway.registry());
        if (config.enabled() && !authenticator.enabled() && config.classes().size() > 1) {
            // classes are told apart by verified claims only: without a key every request is the fallback class,
            // so the priorities mean nothing (agents would be shed with the browsers)
            log.warn("auth.jwt has no key (hmac-secret, jwks-url or public-key-file): bearer tokens are not "
                    + "verified and every request is classified '{}'; configure a key to give agents their priority",
                    config.fallbackClass());
        }
    }

    private static AdaptiveLimit adaptiveLimit(AdmissionConfig.AdaptiveConfig bounds) {
        AdaptiveLimit.Builder b = AdaptiveLimit.builder();
        Integer min = bounds.min();
        Integer max = bounds.max();
        Integer initial = bounds.initial();
        if (min != null) {
            b.min(min);
        }
        if (max != null) {
            b.max(max);
        }
        if (initial != null) {
            b.initial(initial);
        }
        return b.build();
    }

    /**
     * A config reload ({@link dev.levee.gateway.config.ConfigChanges} let through only what a running admission
     * takes: the same classes in the same order, the same kind of limit): the static limit and the queue
     * capacities change in place (a raise admits waiters at once, a cut lets the in-flight drain; no waiter is
     * dropped), the max wait applies to requests queued from now on, the class rules and {@code enabled} at once.
     */
    @Override
    public synchronized List<String> reconfigure(LeveeConfig old, LeveeConfig next) {
        AdmissionConfig was = config;
        AdmissionConfig now = next.admission();
        if (was.equals(now)) {
            return List.of();
        }
        if (!now.maxConcurrent().auto() && now.maxConcurrent().value() != was.maxConcurrent().value()) {
            admission.setMaxConcurrent(now.maxConcurrent().value());
        }
        for (AdmissionConfig.ClassConfig c : now.classes()) {
            admission.setQueueCapacity(c.name(), c.queueCapacity() == null ? now.queueCapacity() : c.queueCapacity());
        }
        this.classifier = new Classifier(now);
        this.config = now;
        return List.of();
    }

    /** The admission itself, for tests and the dashboard. */
    public PriorityAdmission admission() {
        return admission;
    }

    @Override
    public String name() {
        return "admission";
    }

    @Override
    public void mountOps(Router router) {
        router.get("/health/backpressure").handler(ctx -> OpsEndpoints.sendSection(ctx, health()));
        router.get("/api/v1/health/backpressure").handler(ctx -> OpsEndpoints.sendSection(ctx, health()));
    }

    static boolean isOpsPath(String path) {
        for (String prefix : OPS_PREFIXES) {
            if (path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/')) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@link dev.levee.gateway.chain.Stage#AUTHENTICATION}: ends an ops-prefix path with no endpoint (404) and a bad
     * token (401); writes the client class and identity to the {@link RequestState}.
     */
    public void authenticate(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (isOpsPath(path)) {
            JsonResponses.sendError(ctx, HttpError.of(404, "Not found"));
            return;
        }
        authenticator.authenticate(ctx.request().getHeader("Authorization")).onComplete(ar -> {
            if (ar.failed()) {
                if (ar.cause() instanceof HttpError e && e.status() == 401) {
                    ctx.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                }
                JsonResponses.sendError(ctx, ar.cause());
                return;
            }
            Authenticated who = ar.result();
            RequestState state = RequestState.of(ctx);
            state.clientClass(classifier.classify(who.claims()));
            state.identity(who.identity());
            state.verified(who.claims() != null);
            ctx.next();
        });
    }

    /**
     * {@link dev.levee.gateway.chain.Stage#ADMISSION}: reads the body (if any), then asks for a permit of the
     * request's class; ends sheds and body errors. Warming requests pass without a permit.
     */
    public void admit(RoutingContext ctx) {
        RequestState state = RequestState.of(ctx);
        String cls = state.clientClass() != null ? state.clientClass() : config.fallbackClass();
        boolean warming = state.warming();
        if (!Bodies.hasBody(ctx.request())) {
            admitOrPass(ctx, cls);
            return;
        }
        if (Bodies.expectsContinue(ctx.request()) && !warming && shedBeforeTheBody(ctx, cls)) {
            return;
        }
        // the whole body first, under server.body-timeout: a client trickling its body holds its connection,
        // never a permit (nor, on the proxy path, an upstream connection)
        Bodies.buffer(ctx, maxBodyBytes, bodyTimeout, bodyBudget).onComplete(read -> {
            if (read.failed()) {
                JsonResponses.sendError(ctx, read.cause());
            } else {
                admitOrPass(ctx, cls);
            }
        });
    }

    /**
     * A client that sent {@code Expect: 100-continue} waits for our word before it sends its body: if its class
     * would be shed right now, it gets the 429 instead of the 100, and never sends the body. The stats only say
     * "likely shed"; the admission itself decides (with its true Retry-After), and a request it would admit or
     * queue after all gives its place back and goes on as any other.
     */
    private boolean shedBeforeTheBody(RoutingContext ctx, String cls) {
        if (!config.enabled() || !likelyShed(cls)) {
            return false;
        }
        CompletableFuture<Permit> probe = admission.acquire(cls);
        if (probe.isDone() && probe.isCompletedExceptionally()) {
            try {
                probe.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof AdmissionRejectedException r) {
                    JsonResponses.send(ctx, ErrorMapper.toHttpError(r).closingConnection()); // body never sent
                    return true;
                }
            }
            return false;
        }
        if (!probe.cancel(false) && !probe.isCompletedExceptionally()) {
            probe.join().releaseWithoutSample(); // a probe, not a request
        }
        return false;
    }

    /** Every permit taken, this class's queue full, and no lower class queued whose place it could take. */
    private boolean likelyShed(String cls) {
        AdmissionStats s = admission.stats();
        if (s.inFlight() < s.maxConcurrent()) {
            return false;
        }
        boolean below = false; // classes are listed highest priority first
        for (ClassStats c : s.classes()) {
            if (c.name().equals(cls)) {
                if (c.queueDepth() < c.queueCapacity()) {
                    return false;
                }
                below = true;
            } else if (below && c.queueDepth() > 0) {
                return false;
            }
        }
        return below;
    }

    private void admitOrPass(RoutingContext ctx, String cls) {
        // cache-warming requests are the gateway's own (at most one per event and path, already inside the
        // fixture's hot-spot budget): queueing them behind shed clients would let the cache go cold under load
        if (!config.enabled() || RequestState.of(ctx).warming()) {
            ctx.next();
            return;
        }
        acquire(ctx, cls);
    }

    private void acquire(RoutingContext ctx, String cls) {
        if (ctx.response().closed()) {
            return; // left while its token was checked (JWKS on a worker): no end event will come to release
        }
        Span wait = RequestState.of(ctx).trace().start("admission wait");
        wait.setAttribute(RequestTrace.CLIENT_CLASS, cls);
        CompletableFuture<Permit> waiter = admission.acquire(cls, config.maxWait()); // max-wait may be reloaded
        ctx.addEndHandler(v -> {
            if (!waiter.cancel(false) && waiter.isDone() && !waiter.isCompletedExceptionally()) {
                release(ctx, waiter.join());
            }
        });
        // a permit may be granted on another event loop (the one that released it) or on a timer
        EventLoop.resume(waiter).onComplete(ar -> proceed(ctx, waiter, wait));
    }

    private void proceed(RoutingContext ctx, CompletableFuture<Permit> waiter, Span wait) {
        Permit permit;
        try {
            permit = waiter.join();
        } catch (CancellationException e) {
            RequestTrace.failed(wait, "cancelled"); // the client went away while queued
            return;
        } catch (CompletionException e) {
            if (ctx.response().closed()) {
                RequestTrace.failed(wait, "cancelled"); // shed, but nobody is listening any more
                return;
            }
            JsonResponses.sendError(ctx, e.getCause()); // a shed request: 429 or 503, see ErrorMapper
            RequestTrace.failed(wait, RequestState.of(ctx).rejectReason());
            return;
        }
        wait.end();
        RequestState.of(ctx).admissionWaitNanos(permit.waited().toNanos());
        metrics.recordWait(permit);
        if (ctx.response().ended() || ctx.response().closed()) {
            permit.releaseWithoutSample(); // gone between the grant and now; the end handler may already have run
            return;
        }
        ctx.next();
    }

    /**
     * Releases a served request's permit, telling an adaptive limit what it was: a latency sample of the upstream
     * only if the request reached it and its answer went out whole. A read-path answer from the cache (or another
     * request's fetch), a client gone mid-response, a connection refused (502) or a 503 (the breaker's or the
     * upstream's refusal: no latency either way) is no sample; an upstream timeout (504) is a drop.
     */
    private static void release(RoutingContext ctx, Permit permit) {
        int status = ctx.response().getStatusCode();
        if (RequestState.of(ctx).servedWithoutUpstream() || !ctx.response().ended() || status == 502
                || status == 503) {
            permit.releaseWithoutSample();
        } else if (status == 504) {
            permit.releaseDropped();
        } else {
            permit.release();
        }
    }

    @Override
    public HealthReport health() {
        AdmissionStats s = admission.stats();
        Map<String, ClassView> classes = new LinkedHashMap<>();
        long shedTotal = 0;
        for (ClassStats c : s.classes()) {
            Map<String, Long> shed = new LinkedHashMap<>();
            for (ShedReason r : ShedReason.values()) {
                shed.put(r.label(), c.shed(r));
            }
            classes.put(c.name(), new ClassView(c.priority() + 1, c.queueDepth(), c.queueCapacity(), c.inFlight(),
                    c.admitted(), c.shed(), shed, c.cancelled(), millis(c.waitAverage()), millis(c.waitP50()),
                    millis(c.waitP99()), Math.round(c.drainRatePerSecond() * 100) / 100.0));
            shedTotal += c.shed();
        }
        // tokens_verified false: no JWT key configured, so every request is the fallback class (start-up warning)
        AdaptiveLimitStats a = s.adaptive();
        AdaptiveView adaptive = a == null ? null : new AdaptiveView(a.limit(), a.min(), a.max(),
                a.sinceLastChange() == null ? null : a.sinceLastChange().toMillis() / 1000.0,
                Math.round(a.baselineRttMs() * 100) / 100.0, Math.round(a.recentRttMs() * 100) / 100.0, a.windows());
        Backpressure details = new Backpressure(config.enabled(), authenticator.enabled(), s.maxConcurrent(),
                a == null ? "static" : "adaptive", adaptive, s.inFlight(), s.queued(), s.queueCapacity(),
                config.maxWait().toMillis() / 1000.0, shedTotal, classes);
        // saturated: every permit taken and requests waiting; the gateway is protecting itself
        HealthStatus status = config.enabled() && s.queued() > 0 ? HealthStatus.DEGRADED : HealthStatus.UP;
        return new HealthReport(status, details);
    }

    /** The {@code admission} section of {@code /health} and {@code GET /health/backpressure}. */
    record Backpressure(boolean enabled, boolean tokensVerified, int maxConcurrent, String limit,
                        AdaptiveView adaptive, int inFlight, int queued, int queueCapacity, double maxWaitSeconds,
                        long requestsShed, Map<String, ClassView> classes) {}

    /**
     * {@code max-concurrent: auto}: the limit now, its bounds, seconds since it last changed (null: never), and
     * the algorithm's inputs: the latency it takes as unloaded and the median of its last window, in ms.
     */
    record AdaptiveView(int limit, int min, int max, Double secondsSinceLastChange, double baselineRttMs,
                        double recentRttMs, long windows) {}

    /** One priority class (priority 1 is the highest); waits in ms, shed counts by reason. */
    record ClassView(int priority, int queueDepth, int queueCapacity, int inFlight, long admitted, long requestsShed,
                     Map<String, Long> shed, long cancelled, double avgWaitMs, double p50WaitMs, double p99WaitMs,
                     double drainRatePerSecond) {}

    private static double millis(Duration d) {
        return Math.round(d.toNanos() / 10_000.0) / 100.0;
    }

    private AdmissionMetrics bindMetrics(MeterRegistry registry) {
        // levee-micrometer's binder, so an embedded application exports the same series; its snapshot ages in
        // wall time (it only spares a scrape one stats() per meter, and a test's manual clock may stand still)
        AdmissionMetrics m = new AdmissionMetrics(admission, config.maxWait(), Ticker.system(),
                Duration.ofMillis(250));
        m.bindTo(registry);
        Gauge.builder("levee.request.body.buffered", bodyBudget, Bodies.Budget::used).baseUnit("bytes")
                .description("Request bodies held in memory while read before admission").register(registry);
        return m;
    }

    @Override
    public void close() {
        authenticator.close();
    }
}
