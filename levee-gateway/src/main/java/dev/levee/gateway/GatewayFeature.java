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

import dev.levee.gateway.config.LeveeConfig;
import dev.levee.gateway.ops.HealthReport;
import dev.levee.gateway.ops.HealthSource;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

import java.util.List;

/**
 * A capability of the gateway (admission, read path, hot-spot windows, events, ...): the owner of its state, its
 * health section and its ops endpoints. Where its request handlers run is not the feature's to say: the request
 * chain declared in {@link Assembly} puts them at their {@link dev.levee.gateway.chain.Stage}.
 * Features do not find each other at run time: what one hands another (the hot-spot limiter of a route to the read
 * path) is handed over at construction ({@link GatewayContext#find}).
 * Metrics are bound in the constructor, on {@link GatewayContext#registry()}.
 */
public interface GatewayFeature extends HealthSource, AutoCloseable {

    /** Operations endpoints (on the admin listener, and behind the admin token on the public one). */
    default void mountOps(Router router) {}

    /** The public listener is bound, on {@code port} (the real one when the config says 0). */
    default void listening(int port) {}

    @Override
    HealthReport health();

    /**
     * A config reload: {@code next} runs from now on (its sections that need a restart are still the running
     * values, see {@link dev.levee.gateway.config.ConfigChanges}). Apply what changed for this feature, keeping
     * the state of what did not (a route's cache, window and breaker when its config is equal); requests in flight
     * finish on what they started with. Returns the changed keys this feature could not apply (they are reported
     * as needing a restart). Called on a worker thread, one reload at a time, before new requests see {@code next}.
     */
    default List<String> reconfigure(LeveeConfig old, LeveeConfig next) {
        return List.of();
    }

    /**
     * Runs first in graceful shutdown, when readiness turns 503 and the server still serves for
     * {@code server.drain-period}: stop taking what could not be finished in time (e.g. events that cannot be made
     * durable).
     */
    default void beginShutdown() {}

    /** Runs during graceful shutdown, after the server stopped accepting (e.g. drain queues). */
    default Future<Void> drain() {
        return Future.succeededFuture();
    }

    @Override
    default void close() {}
}
