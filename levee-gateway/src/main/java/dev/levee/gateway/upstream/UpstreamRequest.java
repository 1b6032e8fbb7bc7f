package dev.levee.gateway.upstream;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

import static java.util.Objects.requireNonNull;

/**
 * A buffered request for the upstream, as the read path sends it.
 *
 * @param uri path and query, as the client sent them (the upstream's base path is prepended by the client)
 */
public record UpstreamRequest(HttpMethod method, String uri, MultiMap headers, Buffer body) {
    public UpstreamRequest {
        requireNonNull(method, "method");
        requireNonNull(uri, "uri");
        requireNonNull(headers, "headers");
    }
}
