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
import dev.levee.gateway.http.RequestTargets;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Supplier;

/**
 * {@link Stage#ROUTE_MATCH}: the configured route of the request, matched once, on the canonical path
 * ({@code /api/%6Fdds} and {@code //api/./odds} are {@code /api/odds}, not a way around the route). Every later
 * stage reads {@link RequestState#route()}. The config running at that moment is the request's to the end
 * ({@link RequestState#config()}): a reload that comes while it is in flight does not change its route.
 */
public final class RouteMatch {
    private final Supplier<LeveeConfig> config;

    /** {@code config}: the config running now (a reload replaces it). */
    public RouteMatch(Supplier<LeveeConfig> config) {
        this.config = config;
    }

    public void handle(RoutingContext ctx) {
        LeveeConfig running = config.get(); // once per request: the request runs on this config to the end
        RequestState state = RequestState.of(ctx);
        state.config(running);
        state.route(running.routeFor(RequestTargets.canonicalPath(ctx.request().path())));
        ctx.next();
    }
}
