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
package dev.levee.gateway.upstream;

import dev.levee.gateway.config.UpstreamClusterConfig;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks the endpoint of a request among a cluster's candidates ({@link UpstreamCluster} has already left out those
 * down or ejected). Called on every event loop at once.
 */
interface Balancer {

    /** One of {@code candidates}, which is never empty. */
    Endpoint pick(List<Endpoint> candidates);

    /** The balancer {@code upstreams.NAME.balancer} names. */
    static Balancer of(String name) {
        return switch (name) {
            case UpstreamClusterConfig.ROUND_ROBIN -> new RoundRobin();
            case UpstreamClusterConfig.LEAST_REQUESTS -> new LeastRequests();
            default -> throw new IllegalArgumentException("balancer: '" + name + "'");
        };
    }

    /** Each candidate in turn. */
    final class RoundRobin implements Balancer {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public Endpoint pick(List<Endpoint> candidates) {
            return candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
        }
    }

    /**
     * The candidate with the fewest requests in flight; among equals, each in turn (so an idle cluster is spread
     * like round robin rather than sending everything to the first). Endpoints come from the config, a handful,
     * so every candidate is looked at rather than two at random.
     */
    final class LeastRequests implements Balancer {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public Endpoint pick(List<Endpoint> candidates) {
            int n = candidates.size();
            int start = Math.floorMod(next.getAndIncrement(), n);
            Endpoint best = candidates.get(start);
            int fewest = best.active();
            for (int i = 1; i < n && fewest > 0; i++) {
                Endpoint e = candidates.get((start + i) % n);
                int a = e.active();
                if (a < fewest) {
                    best = e;
                    fewest = a;
                }
            }
            return best;
        }
    }
}
