package dev.levee.gateway.admission;

import dev.levee.gateway.GatewayContext;
import dev.levee.gateway.GatewayFeature;

import java.util.function.Function;

/** Lets tests in other packages mount {@link ProbeFeature}. */
public final class ProbeAccess {
    private ProbeAccess() {}

    public static Function<GatewayContext, GatewayFeature> factory() {
        return ProbeFeature::new;
    }
}
