package dev.levee.gateway;

import java.util.List;
import java.util.function.Function;

/**
 * The features the gateway is built from, in request-flow order. Adding a capability means adding its
 * factory here; nothing else in the server changes.
 */
public final class Features {
    private Features() {}

    public static List<Function<GatewayContext, GatewayFeature>> all() {
        return List.of(
                dev.levee.gateway.store.StoreFeature::new,
                dev.levee.gateway.events.EventsFeature::new,
                dev.levee.gateway.hotspot.HotSpotFeature::new
        );
    }
}
