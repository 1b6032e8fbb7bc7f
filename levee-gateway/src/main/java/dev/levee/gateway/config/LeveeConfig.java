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

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The whole gateway configuration: one YAML file (kebab-case keys) over the defaults in
 * {@code levee-defaults.yaml}, with {@code LEVEE_*} environment overrides. Load it with {@link ConfigLoader}.
 */
public record LeveeConfig(ServerConfig server, UpstreamConfig upstream,
                          Map<String, UpstreamClusterConfig> upstreams, AuthConfig auth, AdminConfig admin,
                          AdmissionConfig admission, List<RouteConfig> routes, EventsConfig events,
                          StoreConfig store, HotSpotsConfig hotSpots,
                          AccessLogConfig accessLog, LogConfig log, TracingConfig tracing) {
    public LeveeConfig {
        Checks.required("server", server);
        Checks.required("upstream", upstream);
        upstreams = upstreams == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(upstreams));
        for (String name : upstreams.keySet()) {
            if (!name.matches(UPSTREAM_NAME)) {
                throw new ConfigException("upstreams." + name + ": '" + name
                        + "' is not a valid upstream name (expected: letters, digits, '-' and '_')");
            }
        }
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
        for (int i = 0; i < routes.size(); i++) {
            String named = routes.get(i).upstream();
            if (named != null && !named.equals(DEFAULT_UPSTREAM) && !upstreams.containsKey(named)) {
                throw new ConfigException("routes[" + i + "].upstream: '" + named + "' is not a configured upstream"
                        + " (route " + routes.get(i).path() + "; known: " + known(upstreams) + ")");
            }
        }
    }

    /** The upstream names a route may use: {@value #DEFAULT_UPSTREAM} and those of {@code upstreams:}. */
    private static List<String> known(Map<String, UpstreamClusterConfig> upstreams) {
        List<String> names = new java.util.ArrayList<>(List.of(DEFAULT_UPSTREAM));
        upstreams.keySet().stream().filter(n -> !n.equals(DEFAULT_UPSTREAM)).forEach(names::add);
        return names;
    }

    /** The upstream of unmatched paths and of routes that name none. */
    public static final String DEFAULT_UPSTREAM = "default";
    private static final String UPSTREAM_NAME = "[A-Za-z0-9][A-Za-z0-9_-]{0,63}";

    /**
     * Every upstream cluster by name: {@code upstreams:} as configured, plus {@value #DEFAULT_UPSTREAM} from the
     * legacy {@code upstream:} block unless {@code upstreams:} has an entry of that name.
     */
    public Map<String, UpstreamClusterConfig> upstreamClusters() {
        Map<String, UpstreamClusterConfig> all = new LinkedHashMap<>();
        if (!upstreams.containsKey(DEFAULT_UPSTREAM)) {
            all.put(DEFAULT_UPSTREAM, UpstreamClusterConfig.of(upstream));
        }
        all.putAll(upstreams);
        return all;
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
        return new LeveeConfig(server.withPort(port), upstream, upstreams, auth, admin, admission, routes, events,
                store, hotSpots, accessLog, log, tracing);
    }
}
