package dev.levee.gateway.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.jspecify.annotations.Nullable;

/**
 * Guards the admin surface with {@code admin.token} as a bearer token: no token -> 401, a wrong token -> 403, no
 * {@code admin.token} configured -> 403 for everyone.
 *
 * <p>Implementation note: the comparison must not tell an attacker how much of a guess was right. Comparing the
 * SHA-256 digests of the two with {@link MessageDigest#isEqual} takes the same time whatever the guess, its length
 * included (comparing the raw bytes would return early on a length mismatch).
 */
public final class AdminAuth implements Handler<RoutingContext> {
    private final byte @Nullable [] digest; // null: no token configured

    public AdminAuth(String token) {
        this.digest = token == null || token.isEmpty() ? null : sha256(token);
    }

    @Override
    public void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            JsonResponses.sendError(ctx, HttpError.of(401, "Admin token required"));
            return;
        }
        byte[] given = sha256(header.substring(7).trim());
        if (digest == null) {
            JsonResponses.sendError(ctx, HttpError.of(403, "Admin token not accepted")
                    .with("reason", "no admin.token is configured; use the admin listener"));
            return;
        }
        if (!MessageDigest.isEqual(digest, given)) {
            JsonResponses.sendError(ctx, HttpError.of(403, "Admin token not accepted"));
            return;
        }
        ctx.next();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
