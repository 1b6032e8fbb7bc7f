package dev.levee.gateway.auth;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of authentication: the verified claims (null without a token) and the identity that keys
 * per-client state such as caches (null without a token).
 */
public record Authenticated(@Nullable Map<String, Object> claims, @Nullable String identity) {
    public static final Authenticated ANONYMOUS = new Authenticated(null, null);

    public Authenticated {
        claims = claims == null ? null : java.util.Collections.unmodifiableMap(new java.util.HashMap<>(claims));
    }
}
