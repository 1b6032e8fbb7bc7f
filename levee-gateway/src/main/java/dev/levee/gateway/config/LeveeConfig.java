package dev.levee.gateway.config;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The whole gateway configuration: one YAML file (kebab-case keys) over the defaults in
 * {@code levee-defaults.yaml}, with {@code LEVEE_*} environment overrides. Load it with {@link ConfigLoader}.
 */
public record LeveeConfig(ServerConfig server, UpstreamConfig upstream, AuthConfig auth, AdminConfig admin,
                          AdmissionConfig admission, List<RouteConfig> routes, EventsConfig events,
                          StoreConfig store, HotSpotsConfig hotSpots) {
    public LeveeConfig {
        Checks.required("server", server);
        Checks.required("upstream", upstream);
        Checks.required("auth", auth);
        Checks.required("admin", admin);
        Checks.required("admission", admission);
        routes = routes == null ? List.of() : List.copyOf(routes);
        Checks.required("events", events);
        Checks.required("store", store);
        Checks.required("hot-spots", hotSpots);
    }

    /** The first route whose prefix matches, or null. */
    public @Nullable RouteConfig routeFor(String path) {
        for (RouteConfig r : routes) {
            if (r.matches(path)) {
                return r;
            }
        }
        return null;
    }

    /** A copy listening on {@code port}. */
    public LeveeConfig withPort(int port) {
        return new LeveeConfig(server.withPort(port), upstream, auth, admin, admission, routes, events, store, hotSpots);
    }
}
