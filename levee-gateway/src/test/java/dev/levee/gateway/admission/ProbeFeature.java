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
package dev.levee.gateway.admission;

import dev.levee.gateway.GatewayContext;
import dev.levee.gateway.GatewayFeature;
import dev.levee.gateway.http.JsonResponses;
import dev.levee.gateway.ops.HealthReport;
import io.vertx.ext.web.Router;

import java.util.LinkedHashMap;
import java.util.Map;

/** A test feature behind the guards: shows what authentication stored, and fails on demand. */
final class ProbeFeature implements GatewayFeature {
    ProbeFeature(GatewayContext ignored) {}

    @Override
    public String name() {
        return "probe";
    }

    @Override
    public void mountRoutes(Router router) {
        router.get("/probe").handler(ctx -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("class", ctx.get(GatewayContext.CLIENT_CLASS));
            body.put("identity", ctx.get(GatewayContext.IDENTITY));
            JsonResponses.send(ctx, 200, body);
        });
        router.get("/boom").handler(ctx -> {
            throw new IllegalStateException("handler bug");
        });
    }

    @Override
    public HealthReport health() {
        return HealthReport.up(Map.of());
    }
}
