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

import dev.levee.gateway.admission.AdmissionFeature;
import dev.levee.gateway.chain.Filter;
import dev.levee.gateway.chain.RequestChain;
import dev.levee.gateway.chain.RouteMatch;
import dev.levee.gateway.events.EventsFeature;
import dev.levee.gateway.hotspot.HotSpotFeature;
import dev.levee.gateway.hotspot.Warming;
import dev.levee.gateway.ops.AccessLog;
import dev.levee.gateway.ops.RequestMetrics;
import dev.levee.gateway.readpath.ReadPathFeature;
import dev.levee.gateway.tracing.Tracing;
import dev.levee.gateway.upstream.UpstreamClient;
import io.vertx.ext.web.Router;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

import static dev.levee.gateway.chain.Stage.ADMISSION;
import static dev.levee.gateway.chain.Stage.AUTHENTICATION;
import static dev.levee.gateway.chain.Stage.EVENTS;
import static dev.levee.gateway.chain.Stage.HOT_SPOT_PROXY;
import static dev.levee.gateway.chain.Stage.METRICS;
import static dev.levee.gateway.chain.Stage.OPS;
import static dev.levee.gateway.chain.Stage.PROXY;
import static dev.levee.gateway.chain.Stage.READ_PATH;
import static dev.levee.gateway.chain.Stage.REQUEST_ID;
import static dev.levee.gateway.chain.Stage.ROUTE_MATCH;
import static dev.levee.gateway.chain.Stage.TRACING;
import static dev.levee.gateway.chain.Stage.WARMING;

/**
 * The composition root of the public listener: the request chain, declared here and only here, top to bottom in
 * the order a request meets it. Each line is one {@link dev.levee.gateway.chain.Stage}, its handler and the feature
 * that owns it; a stage whose feature the gateway was built without (tests with a subset) is left out. The list is
 * checked by {@link RequestChain#of}: a stage out of order or named twice fails the startup.
 *
 * <p>What a stage learns about a request it writes to the request's {@link dev.levee.gateway.chain.RequestState}
 * (matched route, warming flag, client class and identity); later stages read it there and nowhere else. Every
 * error any stage answers goes through {@link dev.levee.gateway.http.ErrorMapper}. See docs/architecture.md.
 */
public final class Assembly {
    private Assembly() {}

    /**
     * The public chain.
     *
     * @param metrics the request clock
     * @param access  request ids and the access log
     * @param ops     mounts the probes and, behind the admin token, every ops endpoint
     * @param tracing the server spans, or null with tracing off
     */
    static RequestChain publicChain(GatewayContext gw, RequestMetrics metrics, AccessLog access,
                                    Consumer<Router> ops, @Nullable Tracing tracing,
                                    UpstreamClient upstream) {
        Optional<AdmissionFeature> admission = gw.find(AdmissionFeature.class);
        Optional<EventsFeature> events = gw.find(EventsFeature.class);
        Optional<ReadPathFeature> readPath = gw.find(ReadPathFeature.class);
        // present with the feature even while no route has a hot-spot block: a reload may add one
        Optional<HotSpotFeature> hotSpot = gw.find(HotSpotFeature.class);
        RouteMatch routes = new RouteMatch(gw::config); // the config running now: a reload replaces it

        List<Filter> chain = new ArrayList<>();
        chain.add(Filter.of(METRICS, metrics::handle));                       // every request, ops ones too
        chain.add(Filter.of(REQUEST_ID, access::handle));                     // -> state.requestId; the access line
        chain.add(Filter.routes(OPS, ops));                                   // probes; ops endpoints behind the token
        if (tracing != null) {
            chain.add(Filter.of(TRACING, tracing::handle));                   // -> state.trace: the server span
        }
        chain.add(Filter.of(ROUTE_MATCH, routes::handle));                    // -> state.route
        chain.add(Filter.of(WARMING, Warming::handle));                       // -> state.warming
        admission.ifPresent(a -> chain.add(Filter.of(AUTHENTICATION, a::authenticate))); // -> class, identity
        admission.ifPresent(a -> chain.add(Filter.of(ADMISSION, a::admit)));  // body, then a permit
        events.ifPresent(e -> chain.add(Filter.routes(EVENTS, e::mountIngestion))); // POST /api/v1/events
        readPath.ifPresent(r -> chain.add(Filter.of(READ_PATH, r::handle)));  // GET/HEAD on a route
        hotSpot.ifPresent(h -> chain.add(Filter.of(HOT_SPOT_PROXY, h::guardProxy))); // a slot, then the proxy
        chain.add(Filter.of(PROXY, tracing == null ? upstream::proxy : tracing.proxy(upstream::proxy))); // the rest
        return RequestChain.of(chain);
    }
}
