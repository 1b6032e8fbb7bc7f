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

import dev.levee.gateway.config.LeveeConfig;
import dev.levee.gateway.config.RouteConfig;
import io.vertx.ext.web.RoutingContext;

/**
 * What the stages of one request learn about it, owned by the request chain: the one sanctioned carrier between
 * stages (no stage looks another up, nor reads string-keyed markers). Written once by the stage named on each
 * field, read by the stages after it; it lives on the request's event loop, so it needs no synchronisation.
 */
public final class RequestState {
    private static final String KEY = RequestState.class.getName();

    private LeveeConfig config;       // ROUTE_MATCH: the config running when the request was matched
    private RouteConfig route;        // ROUTE_MATCH; null: no configured route
    private String routeLabel;        // ROUTE_MATCH or EVENTS; null: ended before them, METRICS labels it by path
    private boolean warming;          // WARMING
    private String clientClass;       // AUTHENTICATION
    private String identity;          // AUTHENTICATION; null without a verified subject
    // what the access log reports; plain fields: a request's stages run one after another on its event loop
    private String requestId;         // REQUEST_ID
    private boolean verified;         // AUTHENTICATION: a token was presented and verified
    private long admissionWaitNanos = -1; // ADMISSION: time queued for the permit; -1: no permit taken
    private String cacheStatus;       // READ_PATH: HIT, STALE, MISS, COALESCED (the X-Cache value)
    private String hotSpotKey;        // HOT_SPOT_PROXY or READ_PATH (a rejection): the window's key
    private String hotSpotDecision;   // "allowed" or "rejected"
    private String upstreamEndpoint;  // PROXY or READ_PATH: host:port called for this request
    private long upstreamNanos = -1;  // request sent -> response head (proxy) or whole answer (read path); -1: none
    private String rejectReason;      // whoever answered an error: the rejection's reason code, else its error
    private boolean servedWithoutUpstream; // READ_PATH: answered from the cache or another request's fetch
    private RequestTrace trace = RequestTrace.NONE; // TRACING: the server span the later stages' spans go under

    private RequestState() {}

    /** The state of {@code ctx}'s request, created on first use. */
    public static RequestState of(RoutingContext ctx) {
        RequestState s = ctx.get(KEY);
        if (s == null) {
            s = new RequestState();
            ctx.put(KEY, s);
        }
        return s;
    }

    /**
     * The status a request's end reports, for the access log, metrics and traces: the response's, or 499 when the
     * client went away before the response ended. {@code endSucceeded} is the end handler's outcome; an HTTP/2
     * stream whose response ended before its request was read (an error answered without reading the body, a
     * paused request) is reset by Vert.x after the response went out, which fails that outcome although the client
     * got its answer: an ended response counts as answered.
     */
    public static int endStatus(RoutingContext ctx, boolean endSucceeded) {
        return endSucceeded || ctx.response().ended() ? ctx.response().getStatusCode() : 499;
    }

    /** The config the request runs on (the one running when its route was matched), or null before that. */
    public LeveeConfig config() {
        return config;
    }

    public void config(LeveeConfig config) {
        this.config = config;
    }

    /** The configured route of the request's canonical path, or null. */
    public RouteConfig route() {
        return route;
    }

    /** Sets the matched route, and with it the metrics label: the route's path, or {@code proxy} without one. */
    public void route(RouteConfig route) {
        this.route = route;
        this.routeLabel = route == null ? "proxy" : route.path();
    }

    /** The metrics label a stage gave the request, or null. */
    public String routeLabel() {
        return routeLabel;
    }

    public void routeLabel(String label) {
        this.routeLabel = label;
    }

    /** True for the gateway's own cache-warming requests (a valid {@code X-Levee-Warm} token). */
    public boolean warming() {
        return warming;
    }

    public void warming(boolean warming) {
        this.warming = warming;
    }

    /** The priority class authentication gave the request, or null before it (or without it). */
    public String clientClass() {
        return clientClass;
    }

    public void clientClass(String clientClass) {
        this.clientClass = clientClass;
    }

    /** The verified token's subject, or null. */
    public String identity() {
        return identity;
    }

    public void identity(String identity) {
        this.identity = identity;
    }

    /** The request id (the client's {@code X-Request-Id} when well-formed, else generated), or null before it. */
    public String requestId() {
        return requestId;
    }

    public void requestId(String requestId) {
        this.requestId = requestId;
    }

    /** True when the request presented a token and it verified. */
    public boolean verified() {
        return verified;
    }

    public void verified(boolean verified) {
        this.verified = verified;
    }

    /** Nanoseconds the request waited for its admission permit, or -1 when it took none. */
    public long admissionWaitNanos() {
        return admissionWaitNanos;
    }

    public void admissionWaitNanos(long nanos) {
        this.admissionWaitNanos = nanos;
    }

    /** The read path's cache status ({@code HIT}, {@code STALE}, {@code MISS}, {@code COALESCED}), or null. */
    public String cacheStatus() {
        return cacheStatus;
    }

    public void cacheStatus(String cacheStatus) {
        this.cacheStatus = cacheStatus;
    }

    /** The hot-spot window's key this request was counted under, or null. */
    public String hotSpotKey() {
        return hotSpotKey;
    }

    /** {@code allowed} or {@code rejected}, or null when no hot-spot window decided. */
    public String hotSpotDecision() {
        return hotSpotDecision;
    }

    public void hotSpot(String key, String decision) {
        this.hotSpotKey = key;
        this.hotSpotDecision = decision;
    }

    /** The upstream host:port this request's own call went to, or null (served without one). */
    public String upstreamEndpoint() {
        return upstreamEndpoint;
    }

    /** Nanoseconds of this request's own upstream call, or -1. */
    public long upstreamNanos() {
        return upstreamNanos;
    }

    public void upstream(String endpoint, long nanos) {
        this.upstreamEndpoint = endpoint;
        this.upstreamNanos = nanos;
    }

    /** Why the request was refused or failed (a rejection's reason code, else the error), or null. */
    public String rejectReason() {
        return rejectReason;
    }

    public void rejectReason(String reason) {
        this.rejectReason = reason;
    }

    /**
     * True if the answer did not come from an upstream call of this request (a cache hit, a stale answer, a
     * coalesced wait): its time says nothing about the upstream, so an adaptive limit does not sample it.
     */
    public boolean servedWithoutUpstream() {
        return servedWithoutUpstream;
    }

    public void servedWithoutUpstream(boolean servedWithoutUpstream) {
        this.servedWithoutUpstream = servedWithoutUpstream;
    }

    /** The request's trace ({@link RequestTrace#NONE} when tracing is off or before the stage). */
    public RequestTrace trace() {
        return trace;
    }

    public void trace(RequestTrace trace) {
        this.trace = trace;
    }
}
