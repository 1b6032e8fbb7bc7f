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
