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
package dev.levee.gateway.chain;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * One stage of the request chain and how it is mounted on the router: most stages are one handler every request
 * passes ({@link #of}); a stage that owns paths (ops endpoints, event ingestion) mounts its own routes
 * ({@link #routes}), so the router still answers 405 and lists them.
 */
public record Filter(Stage stage, Consumer<Router> mount) {
    public Filter {
        requireNonNull(stage, "stage");
        requireNonNull(mount, "mount");
    }

    /** A handler for every request that reaches {@code stage}; it calls {@code ctx.next()} to let one on. */
    public static Filter of(Stage stage, Handler<RoutingContext> handler) {
        requireNonNull(handler, "handler");
        return new Filter(stage, r -> r.route().handler(handler));
    }

    /** A stage that mounts routes of its own (paths, methods). */
    public static Filter routes(Stage stage, Consumer<Router> mount) {
        return new Filter(stage, mount);
    }
}
