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
package dev.levee.spring;

import static java.util.Objects.requireNonNull;

import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;
import java.util.LinkedHashMap;
import java.util.Map;

/** One {@link HotSpotLimiter} per {@code levee.routes} entry with a {@code hot-spot} block, by path. */
public final class LeveeHotSpots implements AutoCloseable {
    private final Map<String, HotSpotLimiter> limiters;

    LeveeHotSpots(LeveeProperties properties, Ticker ticker, Scheduler scheduler) {
        Map<String, HotSpotLimiter> byPath = new LinkedHashMap<>();
        for (LeveeProperties.Route route : properties.getRoutes()) {
            LeveeProperties.RouteHotSpot h = route.getHotSpot();
            if (h != null) {
                byPath.put(route.getPath(), HotSpotLimiter.builder()
                        .limit(h.getLimit()).window(h.getWindow())
                        .queueCapacity(h.getQueue()).maxWait(h.getMaxWait())
                        .maxKeys(properties.getHotSpots().getMaxKeys())
                        .alertThreshold(properties.getHotSpots().getAlertThreshold())
                        .ticker(ticker).scheduler(scheduler)
                        .build());
            }
        }
        this.limiters = Map.copyOf(byPath);
    }

    /** The limiter of the route {@code path}; fails naming the path when that route has no {@code hot-spot}. */
    public HotSpotLimiter limiter(String path) {
        HotSpotLimiter limiter = limiters.get(requireNonNull(path, "path"));
        if (limiter == null) {
            throw new IllegalStateException("@HotSpot(route = \"" + path + "\"): no levee.routes entry with that path "
                    + "and a hot-spot block (routes with one: " + limiters.keySet() + ")");
        }
        return limiter;
    }

    /** Every limiter, by route path. */
    public Map<String, HotSpotLimiter> limiters() {
        return limiters;
    }

    @Override
    public void close() {
        limiters.values().forEach(HotSpotLimiter::close);
    }
}
