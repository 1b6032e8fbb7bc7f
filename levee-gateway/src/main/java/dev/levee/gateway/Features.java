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
import dev.levee.gateway.dashboard.DashboardFeature;
import dev.levee.gateway.events.EventsFeature;
import dev.levee.gateway.hotspot.HotSpotFeature;
import dev.levee.gateway.readpath.ReadPathFeature;
import dev.levee.gateway.store.StoreFeature;
import dev.levee.gateway.upstream.UpstreamsFeature;

import java.util.List;
import java.util.function.Function;

/**
 * The features the gateway is built from, in construction order: a feature may take what an earlier one owns
 * ({@link GatewayContext#find}). This order decides nothing about requests: where each feature's handlers run is
 * the request chain declared in {@link Assembly}.
 */
public final class Features {
    private Features() {}

    public static List<Function<GatewayContext, GatewayFeature>> all() {
        return List.of(
                StoreFeature::new,      // first built: the shared store (memory or Redis) the others take windows and queues from
                AdmissionFeature::new,  // the authentication and admission stages, /health/backpressure
                EventsFeature::new,     // the event pipeline: the events stage and the queue's ops view
                HotSpotFeature::new,    // before the read path, which takes each route's hot-spot limiter at construction
                ReadPathFeature::new,   // the read path stage: cached, coalesced GETs on routes
                UpstreamsFeature::new,  // the upstreams' health section (the clusters are the server's UpstreamClient)
                DashboardFeature::new   // last: reads every other feature's stats
        );
    }
}
