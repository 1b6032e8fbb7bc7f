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
package dev.levee.gateway.dashboard;

import dev.levee.core.time.Scheduler;
import dev.levee.gateway.GatewayContext;
import dev.levee.gateway.GatewayFeature;
import dev.levee.gateway.http.HttpError;
import dev.levee.gateway.http.JsonResponses;
import dev.levee.gateway.ops.HealthReport;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The live dashboard and the API description, both operations endpoints (no authentication, no admission):
 * <ul>
 *   <li>{@code GET /dashboard}: a self-contained page (HTML, CSS and vanilla JS from the classpath, SVG charts,
 *       nothing loaded from elsewhere; a Content-Security-Policy of {@code 'self'} enforces that);</li>
 *   <li>{@code GET /dashboard/data?since=N}: the samples newer than {@code N} (the page polls once a second) and
 *       the current state: per class admitted / shed rates, queue depth, wait p99; coalescer hit rate and calls
 *       saved; breaker states; event queue depth, circuit and thresholds; the top-10 hot-spot keys;</li>
 *   <li>{@code GET /docs/openapi.json}: the OpenAPI 3.1 description of every endpoint.</li>
 * </ul>
 * The history (5 minutes at one sample a second) is kept here, so rates are computed from counters over real
 * intervals and a page opened late still sees the last 5 minutes. See {@link DashboardSampler}.
 */
public final class DashboardFeature implements GatewayFeature {
    public static final String PAGE_PATH = "/dashboard";
    public static final String DATA_PATH = "/dashboard/data";
    public static final String SCRIPT_PATH = "/dashboard/dashboard.js";
    public static final String STYLE_PATH = "/dashboard/dashboard.css";
    public static final String OPENAPI_PATH = "/docs/openapi.json";

    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final int HISTORY = 300; // 5 minutes

    /** Everything the page needs comes from this gateway; inline scripts and other origins are refused. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final GatewayContext gateway;
    private final DashboardSampler sampler;
    private final Buffer page = resource("dashboard.html");
    private final Buffer script = resource("dashboard.js");
    private final Buffer style = resource("dashboard.css");
    private final Buffer openApi = resource("openapi.json");
    private volatile Scheduler.Cancellable timer;
    private volatile boolean closed;

    public DashboardFeature(GatewayContext gateway) {
        this.gateway = gateway;
        this.sampler = new DashboardSampler(gateway.all(GatewayFeature.class), gateway.registry(), gateway.config(),
                gateway.ticker(), HISTORY);
        schedule();
    }

    private static Buffer resource(String name) {
        try (InputStream in = DashboardFeature.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + name + " next to "
                        + DashboardFeature.class.getName());
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void schedule() {
        if (closed) {
            return;
        }
        timer = gateway.scheduler().schedule(() -> {
            try {
                sampler.sample();
            } finally {
                schedule();
            }
        }, INTERVAL.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public String name() {
        return "dashboard";
    }

    @Override
    public void mountOps(Router router) {
        router.get(PAGE_PATH).handler(ctx -> serve(ctx, page, "text/html; charset=utf-8"));
        router.get(SCRIPT_PATH).handler(ctx -> serve(ctx, script, "text/javascript; charset=utf-8"));
        router.get(STYLE_PATH).handler(ctx -> serve(ctx, style, "text/css; charset=utf-8"));
        router.get(DATA_PATH).handler(this::data);
        router.get(OPENAPI_PATH).handler(ctx -> serve(ctx, openApi, "application/json"));
    }

    private static void serve(RoutingContext ctx, Buffer body, String contentType) {
        ctx.response()
                .putHeader("Content-Type", contentType)
                .putHeader("Cache-Control", "no-cache")
                .putHeader("Content-Security-Policy", CSP)
                .putHeader("X-Content-Type-Options", "nosniff")
                .end(body);
    }

    private void data(RoutingContext ctx) {
        long since = -1;
        String s = ctx.request().getParam("since");
        if (s != null) {
            try {
                since = Long.parseLong(s);
            } catch (NumberFormatException e) {
                JsonResponses.sendError(ctx, HttpError.of(400, "since: " + abbreviate(s) + " (expected: a number)"));
                return;
            }
        }
        JsonResponses.send(ctx, 200, new Data(INTERVAL.toMillis(), HISTORY, gateway.ticker().epochMillis(),
                sampler.latestSeq(), sampler.since(since), sampler.current()));
    }

    /**
     * {@code GET /dashboard/data}: the sampling interval and history size, the gateway's clock, the latest sample
     * number, the samples newer than {@code since} and the current block.
     */
    record Data(long intervalMillis, int historySize, long epochMillis, long latestSeq, List<DashboardSample> samples,
                DashboardCurrent current) {}

    /** This feature's section of {@code /health}: samples held and the history they can span. */
    record Health(int samples, long historySeconds) {}

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    @Override
    public HealthReport health() {
        return HealthReport.up(new Health(sampler.size(), HISTORY * INTERVAL.toSeconds()));
    }

    @Override
    public void close() {
        closed = true;
        Scheduler.Cancellable t = timer;
        if (t != null) {
            t.cancel();
        }
    }
}
