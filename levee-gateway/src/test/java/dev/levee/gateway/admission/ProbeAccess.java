package dev.levee.gateway.admission;

import dev.levee.gateway.chain.Filter;

/** Lets tests in other packages put {@link ProbeFeature}'s stage into the chain. */
public final class ProbeAccess {
    private ProbeAccess() {}

    public static Filter filter() {
        return ProbeFeature.filter();
    }
}
