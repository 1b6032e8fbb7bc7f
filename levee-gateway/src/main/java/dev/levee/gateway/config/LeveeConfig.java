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
package dev.levee.gateway.config;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The whole gateway configuration: one YAML file (kebab-case keys) over the defaults in
 * {@code levee-defaults.yaml}, with {@code LEVEE_*} environment overrides. Load it with {@link ConfigLoader}.
 */
public record LeveeConfig(ServerConfig server, UpstreamConfig upstream, AuthConfig auth, AdminConfig admin,
                          AdmissionConfig admission, List<RouteConfig> routes, EventsConfig events,
                          StoreConfig store, HotSpotsConfig hotSpots,
                          AccessLogConfig accessLog, LogConfig log, TracingConfig tracing) {
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
        Checks.required("access-log", accessLog);
        Checks.required("log", log);
        Checks.required("tracing", tracing);
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
        return new LeveeConfig(server.withPort(port), upstream, auth, admin, admission, routes, events, store, hotSpots,
                accessLog, log, tracing);
    }
}
