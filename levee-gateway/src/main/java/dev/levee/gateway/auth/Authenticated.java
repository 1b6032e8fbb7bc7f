package dev.levee.gateway.auth;

import java.util.Map;

/**
 * The outcome of authentication: the verified claims (null without a token) and the identity that keys
 * per-client state such as caches (null without a token).
 */
public record Authenticated(Map<String, Object> claims, String identity) {
    public static final Authenticated ANONYMOUS = new Authenticated(null, null);

    public Authenticated {
        claims = claims == null ? null : java.util.Collections.unmodifiableMap(new java.util.HashMap<>(claims));
    }
}
