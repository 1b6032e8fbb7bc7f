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
package dev.levee.gateway.hotspot;

import dev.levee.gateway.chain.RequestState;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * {@link dev.levee.gateway.chain.Stage#WARMING}: tells the gateway's own cache-warming requests ({@link CacheWarmer})
 * apart. They carry {@link #HEADER} with this process's random token; a request with the right token is marked
 * {@link RequestState#warming()} (admission lets it through: it is already inside the fixture's hot-spot budget), and
 * the header is removed from every request, so neither the upstream nor a later stage ever sees it.
 */
public final class Warming {
    /** Header that marks the gateway's own cache-warming requests (value: a per-process random token). */
    public static final String HEADER = "X-Levee-Warm";

    private static final String TOKEN;

    static {
        byte[] token = new byte[24];
        new SecureRandom().nextBytes(token);
        TOKEN = HexFormat.of().formatHex(token);
    }

    private Warming() {}

    /** The header value that marks this process's warming requests (for in-process callers and tests). */
    public static String token() {
        return TOKEN;
    }

    /** The stage: marks a warming request, strips the header. */
    public static void handle(RoutingContext ctx) {
        String v = ctx.request().getHeader(HEADER);
        if (v != null) {
            RequestState.of(ctx).warming(MessageDigest.isEqual(v.getBytes(StandardCharsets.US_ASCII),
                    TOKEN.getBytes(StandardCharsets.US_ASCII)));
            ctx.request().headers().remove(HEADER);
        }
        ctx.next();
    }
}
