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

import dev.levee.gateway.ops.HealthReport;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

/**
 * A capability plugged into the gateway (admission, read path, hot-spot windows, events, ...). The server
 * calls the mount methods in request-flow order, so a feature only says what it adds at each stage:
 * <ol>
 *   <li>{@link #mountOps}: operations endpoints that bypass authentication and admission;</li>
 *   <li>{@link #mountGuards}: handlers every admitted request passes (authentication, classification,
 *       admission); they call {@code ctx.next()} to let a request on;</li>
 *   <li>{@link #mountRoutes}: handlers for admitted requests (event ingestion, the read path);</li>
 *   <li>{@link #mountProxyGuards}: handlers for what no route ended, which is then proxied plainly to the
 *       upstream (the hot-spot window guards those calls).</li>
 * </ol>
 * Features do not find each other at run time: what one hands another (the hot-spot limiter of a route to the read
 * path) is handed over at construction.
 * Metrics are bound in the constructor, on {@link GatewayContext#registry()}.
 */
public interface GatewayFeature extends AutoCloseable {

    /** The section name in {@code GET /health}, e.g. {@code "admission"}. */
    String name();

    default void mountOps(Router router) {}

    default void mountGuards(Router router) {}

    default void mountRoutes(Router router) {}

    default void mountProxyGuards(Router router) {}

    /** The public listener is bound, on {@code port} (the real one when the config says 0). */
    default void listening(int port) {}

    /** This feature's section of {@code GET /health}. */
    HealthReport health();

    /** False while this feature cannot take traffic; {@code /health/readiness} is not-ready then. */
    default boolean ready() {
        return true;
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
