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
