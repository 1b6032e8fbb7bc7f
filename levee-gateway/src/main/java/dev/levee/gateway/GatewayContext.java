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

import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;
import dev.levee.gateway.config.LeveeConfig;
import dev.levee.gateway.upstream.UpstreamClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;

import java.util.List;

/**
 * What every {@link GatewayFeature} is built from: the config, the shared Vert.x, time, metrics and upstream
 * client. {@link #features()} is a read-only view of the gateway's features: during construction it lists those
 * built before this one (how the read path takes the hot-spot feature's limiters); once the server is built it lists
 * all of them.
 */
public record GatewayContext(Vertx vertx, LeveeConfig config, Ticker ticker, Scheduler scheduler,
                             PrometheusMeterRegistry registry, UpstreamClient upstream,
                             List<GatewayFeature> features) {

    /** Key under which handlers store the metrics label of the route a request took (bounded by config). */
    public static final String ROUTE_LABEL = "levee.route";

    /** Key under which authentication stores the request's priority class name. */
    public static final String CLIENT_CLASS = "levee.class";

    /** Key under which authentication stores the verified token's subject, or none. */
    public static final String IDENTITY = "levee.identity";
}
