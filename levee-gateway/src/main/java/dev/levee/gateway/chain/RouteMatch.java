package dev.levee.gateway.chain;

import dev.levee.gateway.config.LeveeConfig;
import dev.levee.gateway.http.RequestTargets;
import io.vertx.ext.web.RoutingContext;

/**
 * {@link Stage#ROUTE_MATCH}: the configured route of the request, matched once, on the canonical path
 * ({@code /api/%6Fdds} and {@code //api/./odds} are {@code /api/odds}, not a way around the route). Every later
 * stage reads {@link RequestState#route()}.
 */
public final class RouteMatch {
    private final LeveeConfig config;

    public RouteMatch(LeveeConfig config) {
        this.config = config;
    }

    public void handle(RoutingContext ctx) {
        RequestState.of(ctx).route(config.routeFor(RequestTargets.canonicalPath(ctx.request().path())));
        ctx.next();
    }
}
