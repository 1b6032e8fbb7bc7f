package dev.levee.gateway.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Guards admin endpoints (POST reset, replay) with {@code admin.token} as a bearer token: no token -> 401,
 * a wrong token -> 403, no {@code admin.token} configured -> 403 for everyone. Compared in constant time.
 */
public final class AdminAuth implements Handler<RoutingContext> {
    private final byte[] token;

    public AdminAuth(String token) {
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            JsonResponses.sendError(ctx, HttpError.of(401, "Admin token required"));
            return;
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        if (token == null || !MessageDigest.isEqual(token, given)) {
            JsonResponses.sendError(ctx, HttpError.of(403, "Admin token not accepted"));
            return;
        }
        ctx.next();
    }
}
