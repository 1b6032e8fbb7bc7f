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
package dev.levee.gateway.chain;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import org.jspecify.annotations.Nullable;

/**
 * The trace of one request: its server span (started by the {@code TRACING} stage) and the child spans the stages
 * after it open under it: admission wait, cache lookup, coalescer wait, hot-spot wait, upstream call. {@link #NONE}
 * when tracing is off or the request came before the stage: every method then returns the invalid span, whose
 * methods do nothing, so a stage never asks whether tracing is on.
 *
 * <p>Context is passed explicitly, never through {@code Context.current()}: a request's stages run as callbacks on
 * its event loop (and some on other threads), where a thread-local current context would belong to whichever
 * request ran last.
 */
public final class RequestTrace {
    private static final TextMapSetter<StringBuilder> TRACEPARENT_SETTER = (carrier, key, value) -> {
        if (key.equals(RequestTrace.TRACEPARENT) && carrier != null) {
            carrier.append(value);
        }
    };

    /** A getter over the one header value. */
    private static final TextMapGetter<String> TRACEPARENT_GETTER = new TextMapGetter<>() {
        @Override
        public @Nullable String get(@Nullable String carrier, String key) {
            return key.equals(RequestTrace.TRACEPARENT) ? carrier : null;
        }
    };

    /** No trace: every span is the invalid one. */
    public static final RequestTrace NONE = new RequestTrace(null, Span.getInvalid());

    private final @Nullable Tracer tracer;
    private final Span server;
    private final Context context;

    /** The trace of a request whose server span is {@code server}, children made by {@code tracer}. */
    public RequestTrace(@Nullable Tracer tracer, Span server) {
        this.tracer = tracer;
        this.server = server;
        this.context = Context.root().with(server);
    }

    /** The request's server span (the invalid span without a trace). */
    public Span server() {
        return server;
    }

    /** True when the request's spans are recorded (tracing is on and the trace is sampled). */
    public boolean recording() {
        return server.isRecording();
    }

    /** A child of the server span, started now (the invalid span when not recording). */
    public Span start(String name) {
        return start(name, SpanKind.INTERNAL, null);
    }

    /**
     * A child of the server span of {@code kind}, started now, linked to {@code link} when that is a valid span
     * (a coalesced waiter links to the leader's upstream call).
     */
    public Span start(String name, SpanKind kind, @Nullable SpanContext link) {
        if (tracer == null || !recording()) {
            return Span.getInvalid();
        }
        var builder = tracer.spanBuilder(name).setParent(context).setSpanKind(kind);
        if (link != null && link.isValid()) {
            builder.addLink(link);
        }
        return builder.startSpan();
    }

    /** The W3C trace-context request header. */
    public static final String TRACEPARENT = "traceparent";
    /** {@code http.response.status_code}. */
    public static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    /** {@code server.address}: the upstream endpoint (host:port) of an {@code upstream call}. */
    public static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    /** {@code levee.cache}: the read path's answer, HIT, STALE, MISS or COALESCED. */
    public static final AttributeKey<String> CACHE_STATUS = AttributeKey.stringKey("levee.cache");
    /** {@code levee.hot_spot.key}: the hot-spot window's key(s) a request waited in. */
    public static final AttributeKey<String> HOT_SPOT_KEY = AttributeKey.stringKey("levee.hot_spot.key");
    /** {@code levee.client_class}: the priority class a span's request was given. */
    public static final AttributeKey<String> CLIENT_CLASS = AttributeKey.stringKey("levee.client_class");
    /** {@code levee.reject_reason}: why a span's step refused the request (a rejection's code, else the error). */
    public static final AttributeKey<String> REJECT_REASON = AttributeKey.stringKey("levee.reject_reason");

    /** Ends {@code span} as a refusal or failure of its step, {@code reason} its code. */
    public static void failed(Span span, @Nullable String reason) {
        if (reason != null) {
            span.setAttribute(REJECT_REASON, reason);
        }
        span.setStatus(StatusCode.ERROR, reason == null ? "failed" : reason);
        span.end();
    }

    /** Ends an {@code upstream call} span with the upstream's status: an error from 500 up. */
    public static void answered(Span span, int status) {
        span.setAttribute(STATUS, status);
        if (status >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }

    /** The span a {@code traceparent} header names, or null when it is not a valid one. */
    public static @Nullable SpanContext spanContext(String traceparent) {
        SpanContext sc = Span.fromContext(W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent,
                TRACEPARENT_GETTER)).getSpanContext();
        return sc.isValid() ? sc : null;
    }

    /**
     * The W3C {@code traceparent} header naming {@code span} as the parent of what the receiver does (sent to the
     * upstream with the call's span), or null for an invalid span.
     */
    public static @Nullable String traceparent(Span span) {
        if (!span.getSpanContext().isValid()) {
            return null;
        }
        StringBuilder header = new StringBuilder(55);
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), header, TRACEPARENT_SETTER);
        return header.isEmpty() ? null : header.toString();
    }
}
