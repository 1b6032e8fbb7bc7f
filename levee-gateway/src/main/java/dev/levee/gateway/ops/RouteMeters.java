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
package dev.levee.gateway.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;

/**
 * Removes a route's meters before a config reload binds those of its rebuilt cache, coalescer, breaker or hot-spot
 * window: a meter of the same name and tags would otherwise stay bound to the old objects (Micrometer hands the
 * existing meter back). The series start again from the new objects' counts.
 */
public final class RouteMeters {
    private RouteMeters() {}

    /** Removes every meter tagged {@code route} whose name starts with one of {@code prefixes}. */
    public static void remove(MeterRegistry registry, String route, List<String> prefixes) {
        for (Meter m : registry.getMeters()) {
            String name = m.getId().getName();
            if (route.equals(m.getId().getTag("route")) && prefixes.stream().anyMatch(name::startsWith)) {
                registry.remove(m);
            }
        }
    }
}
