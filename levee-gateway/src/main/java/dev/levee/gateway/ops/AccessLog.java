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
package dev.levee.gateway.ops;

import dev.levee.core.time.Ticker;
import dev.levee.gateway.chain.RequestIds;
import dev.levee.gateway.chain.RequestState;
import dev.levee.gateway.config.AccessLogConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.io.Writer;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The {@link dev.levee.gateway.chain.Stage#REQUEST_ID} stage and the access log: gives the request its id
 * ({@link RequestIds}), and when the response ends hands one {@link AccessLine} to the {@link AccessLogWriter}.
 *
 * <p>What the event loop pays per request: reading the {@link RequestState} into a small record and one
 * non-blocking queue offer; the JSON is built and written on the writer's own thread (cost measured in
 * levee-bench {@code AccessLogBenchmark}).
 */
public final class AccessLog implements AutoCloseable {
    /** Query parameters whose values never reach the log: their names contain one of these. */
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "token|key|secret|pass|auth|sig|session|credential|code", Pattern.CASE_INSENSITIVE);

    private final AccessLogConfig config;
    private final Ticker ticker;
    private final AccessLogWriter writer; // null: disabled

    public AccessLog(AccessLogConfig config, Ticker ticker, MeterRegistry registry) {
        this.config = requireNonNull(config, "config");
        this.ticker = requireNonNull(ticker, "ticker");
        this.writer = config.enabled() ? AccessLogWriter.start(config, registry) : null;
    }

    /** For tests: lines go to {@code sink}. */
    AccessLog(AccessLogConfig config, Ticker ticker, MeterRegistry registry, Writer sink) {
        this.config = config;
        this.ticker = ticker;
        this.writer = new AccessLogWriter(config, registry, sink);
    }

    /** The stage: the request id now, the access line when the response ends. */
    public void handle(RoutingContext ctx) {
        long start = ticker.read();
        long startMillis = ticker.epochMillis();
        RequestIds.assign(ctx);
        if (writer != null) {
            ctx.addEndHandler(ar -> {
                int status = RequestState.endStatus(ctx, ar.succeeded());
                if (status < 400 && config.sampleRate() < 1.0
                        && ThreadLocalRandom.current().nextDouble() >= config.sampleRate()) {
                    return;
                }
                writer.offer(line(ctx, status, startMillis, ticker.read() - start));
            });
        }
        ctx.next();
    }

    private AccessLine line(RoutingContext ctx, int status, long startMillis, long nanos) {
        HttpServerRequest req = ctx.request();
        RequestState s = RequestState.of(ctx);
        String query = config.includeQuery() ? redact(req.query()) : null;
        return new AccessLine(startMillis, s.requestId(), req.method().name(), req.path(), query, s.routeLabel(),
                s.clientClass(), s.verified(), status, ctx.response().bytesWritten(), nanos, s.admissionWaitNanos(),
                s.cacheStatus(), s.hotSpotKey(), s.hotSpotDecision(), s.upstreamEndpoint(), s.upstreamNanos(),
                s.rejectReason(), traceId(s));
    }

    private static String traceId(RequestState s) {
        var span = s.trace().server().getSpanContext();
        return span.isValid() && span.isSampled() ? span.getTraceId() : null;
    }

    /** The query with the value of every secret-looking parameter ({@code token}, {@code api_key}, ...) replaced. */
    static String redact(String query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder(query.length());
        for (String pair : query.split("&", -1)) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (eq >= 0 && SECRET_PARAM.matcher(name.toLowerCase(Locale.ROOT)).find()) {
                out.append(name).append("=REDACTED");
            } else {
                out.append(pair);
            }
        }
        return out.toString();
    }

    /** Lines dropped because the writer's queue was full. */
    public long dropped() {
        return writer == null ? 0 : writer.dropped();
    }

    /** Writes what is queued, then stops the writer thread. */
    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
    }
}
