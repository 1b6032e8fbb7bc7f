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
package dev.levee.gateway.tracing;

import dev.levee.gateway.chain.RequestState;
import dev.levee.gateway.chain.RequestTrace;
import dev.levee.gateway.config.TracingConfig;
import dev.levee.gateway.ops.BuildInfo;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * The gateway's tracing: the OpenTelemetry SDK, exporting spans over OTLP/HTTP (protobuf) to
 * {@code tracing.otlp-endpoint} in batches from the SDK's own thread (a full queue drops spans, never waits), and
 * the {@code TRACING} stage that opens each request's server span.
 *
 * <p>The server span's parent is the client's W3C {@code traceparent}; the sampler follows its sampled flag and
 * otherwise records {@code tracing.sample-ratio} of the new traces. The stages after it add child spans through
 * {@link RequestState#trace()}: {@code admission wait}, {@code cache lookup}, {@code coalescer wait} (linked to the
 * leader's upstream span), {@code hot-spot wait} and {@code upstream call}, whose context goes to the upstream as
 * its {@code traceparent}. Off (no SDK, no stage) until an endpoint is set.
 */
public final class Tracing implements AutoCloseable {
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<String> PROTOCOL = AttributeKey.stringKey("network.protocol.version");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("levee.request_id");
    static final AttributeKey<String> HOT_SPOT_DECISION = AttributeKey.stringKey("levee.hot_spot.decision");

    private static final TextMapGetter<MultiMap> HEADERS = new TextMapGetter<>() {
        @Override
        public @Nullable String get(@Nullable MultiMap carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final Duration exportTimeout;

    private Tracing(TracingConfig config, BuildInfo build) {
        String endpoint = requireNonNull(config.otlpEndpoint(), "tracing.otlp-endpoint");
        this.exportTimeout = config.exportTimeout();
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(endpoint)
                .setTimeout(config.exportTimeout())
                .build();
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), config.serviceName(),
                AttributeKey.stringKey("service.version"), build.version(),
                AttributeKey.stringKey("levee.commit"), build.commit())));
        this.provider = SdkTracerProvider.builder()
                .setResource(resource)
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.sampleRatio())))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter)
                        .setMaxQueueSize(config.queueCapacity())
                        .setMaxExportBatchSize(Math.min(512, config.queueCapacity()))
                        .setScheduleDelay(Duration.ofSeconds(1))
                        .setExporterTimeout(config.exportTimeout())
                        .build())
                .build();
        this.tracer = provider.get("dev.levee.gateway", build.version());
    }

    /** Tracing for {@code config}, or null when it has no endpoint (tracing off). */
    public static @Nullable Tracing create(TracingConfig config) {
        return config.enabled() ? new Tracing(config, BuildInfo.current()) : null;
    }

    /** The stage: the server span now, ended with the response (or the connection's end). */
    public void handle(RoutingContext ctx) {
        var req = ctx.request();
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), req.headers(), HEADERS);
        Span server = tracer.spanBuilder(req.method().name())
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(METHOD, req.method().name())
                .setAttribute(PATH, req.path())
                .setAttribute(PROTOCOL, protocol(req.version()))
                .startSpan();
        RequestState state = RequestState.of(ctx);
        state.trace(new RequestTrace(tracer, server));
        if (server.isRecording()) {
            ctx.addEndHandler(ar -> end(ctx, server, ar.succeeded()));
        } else {
            ctx.addEndHandler(ar -> server.end()); // not recorded: nothing to describe
        }
        ctx.next();
    }

    /**
     * The {@code PROXY} stage traced: an {@code upstream call} span around {@code proxy}, whose context replaces the
     * client's {@code traceparent} on the way to the upstream; it ends with the response.
     */
    public Handler<RoutingContext> proxy(Handler<RoutingContext> proxy) {
        requireNonNull(proxy, "proxy");
        return ctx -> {
            RequestState state = RequestState.of(ctx);
            Span call = state.trace().start("upstream call", SpanKind.CLIENT, null);
            String traceparent = RequestTrace.traceparent(call);
            if (traceparent != null) {
                ctx.request().headers().set(RequestTrace.TRACEPARENT, traceparent); // ProxyHeaders copies it
                ctx.addEndHandler(ar -> {
                    if (state.upstreamEndpoint() != null) {
                        call.setAttribute(RequestTrace.SERVER_ADDRESS, state.upstreamEndpoint());
                    }
                    int status = RequestState.endStatus(ctx, ar.succeeded());
                    if (status == 499) {
                        RequestTrace.failed(call, "client closed the connection");
                    } else {
                        RequestTrace.answered(call, status);
                    }
                });
            }
            proxy.handle(ctx);
        };
    }

    private static void end(RoutingContext ctx, Span server, boolean answered) {
        RequestState s = RequestState.of(ctx);
        String route = s.routeLabel();
        if (route != null) {
            server.updateName(ctx.request().method().name() + " " + route);
            server.setAttribute(ROUTE, route);
        }
        int status = RequestState.endStatus(ctx, answered);
        server.setAttribute(RequestTrace.STATUS, status);
        set(server, REQUEST_ID, s.requestId());
        set(server, RequestTrace.CLIENT_CLASS, s.clientClass());
        set(server, RequestTrace.CACHE_STATUS, s.cacheStatus());
        set(server, RequestTrace.HOT_SPOT_KEY, s.hotSpotKey());
        set(server, HOT_SPOT_DECISION, s.hotSpotDecision());
        set(server, RequestTrace.REJECT_REASON, s.rejectReason());
        if (status >= 500) {
            server.setStatus(StatusCode.ERROR);
        }
        server.end();
    }

    private static void set(Span span, AttributeKey<String> key, @Nullable String value) {
        if (value != null) {
            span.setAttribute(key, value);
        }
    }

    private static String protocol(io.vertx.core.http.HttpVersion v) {
        return switch (v) {
            case HTTP_1_0 -> "1.0";
            case HTTP_1_1 -> "1.1";
            case HTTP_2 -> "2";
        };
    }

    /**
     * Exports what is queued (within the export timeout), then stops the exporter. Blocks: call it off the event
     * loop.
     */
    @Override
    public void close() {
        provider.shutdown().join(exportTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    }
}
