/*
 * Copyright 2026 The Levee Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
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
