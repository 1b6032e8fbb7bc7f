package dev.levee.gateway.upstream;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import static java.util.Objects.requireNonNull;

/** A buffered upstream response; immutable once built, so one instance can be handed to every waiter. */
public record UpstreamResponse(int status, MultiMap headers, Buffer body) {
    public UpstreamResponse {
        requireNonNull(headers, "headers");
        requireNonNull(body, "body");
    }
}
