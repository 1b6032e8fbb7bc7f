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

import dev.levee.gateway.config.RouteConfig;
import io.vertx.ext.web.RoutingContext;

/**
 * What the stages of one request learn about it, owned by the request chain: the one sanctioned carrier between
 * stages (no stage looks another up, nor reads string-keyed markers). Written once by the stage named on each
 * field, read by the stages after it; it lives on the request's event loop, so it needs no synchronisation.
 */
public final class RequestState {
    private static final String KEY = RequestState.class.getName();

    private RouteConfig route;        // ROUTE_MATCH; null: no configured route
    private String routeLabel;        // ROUTE_MATCH or EVENTS; null: ended before them, METRICS labels it by path
    private boolean warming;          // WARMING
    private String clientClass;       // AUTHENTICATION
    private String identity;          // AUTHENTICATION; null without a verified subject
    private boolean servedWithoutUpstream; // READ_PATH: answered from the cache or another request's fetch

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
}
