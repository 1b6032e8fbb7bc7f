package dev.levee.gateway.readpath;

import dev.levee.gateway.upstream.UpstreamResponse;

/**
 * An upstream answer that counts as an error for the read path (5xx, 429): it fails the load, so the cache may
 * serve stale and remembers it briefly, yet every waiter still receives the upstream's own response.
 */
final class UpstreamErrorResponse extends RuntimeException {
    private final UpstreamResponse response;

    UpstreamErrorResponse(UpstreamResponse response) {
        super("upstream answered " + response.status(), null, false, false);
        this.response = response;
    }

    UpstreamResponse response() {
        return response;
    }
}
