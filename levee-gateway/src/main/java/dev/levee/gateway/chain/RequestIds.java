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
package dev.levee.gateway.chain;

import io.vertx.ext.web.RoutingContext;
import org.slf4j.MDC;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: the client's {@code X-Request-Id} when well-formed (1 to 128 characters of
 * {@code [A-Za-z0-9._:-]}), else a generated one (32 hex digits). The id is set on the request's headers, so
 * that the upstream gets it, on the response, and in {@link RequestState#requestId()} for the access log and the
 * {@code request_id} MDC key of log lines written about the request.
 *
 * <p>Why a malformed id is replaced rather than passed on: it goes into log lines and upstream headers, where a
 * newline or a kilobyte of text would be an injection or a cost; the client still finds its request by the id in
 * the response.
 */
public final class RequestIds {
    /** The header, on the request (client and upstream) and on the response. */
    public static final String HEADER = "X-Request-Id";
    /** The MDC key of log lines about a request. */
    public static final String MDC_KEY = "request_id";
    static final int MAX_LENGTH = 128;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {}

    /** True for 1 to 128 characters of {@code [A-Za-z0-9._:-]}. */
    public static boolean wellFormed(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A new id: 128 random bits as 32 hex digits (not a secret, so no SecureRandom on the event loop). */
    public static String generate() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] out = new char[32];
        long hi = r.nextLong();
        long lo = r.nextLong();
        for (int i = 0; i < 16; i++) {
            out[i] = HEX[(int) (hi >>> (60 - 4 * i)) & 0xf];
            out[16 + i] = HEX[(int) (lo >>> (60 - 4 * i)) & 0xf];
        }
        return new String(out);
    }

    /**
     * Gives the request its id: the client's when well-formed, else a new one, on the request headers (one value:
     * the proxy and the read path forward it), on the response head, and on the {@link RequestState}.
     */
    public static String assign(RoutingContext ctx) {
        var headers = ctx.request().headers();
        String given = headers.getAll(HEADER).size() == 1 ? headers.get(HEADER) : null;
        String id = wellFormed(given) ? given : generate();
        headers.set(HEADER, id);
        RequestState.of(ctx).requestId(id);
        // set when the head goes out, so that an upstream's own X-Request-Id copied by the proxy is replaced
        ctx.addHeadersEndHandler(v -> ctx.response().headers().set(HEADER, id));
        return id;
    }

    /** Runs {@code logging} (log calls on the request's thread) with the request's id in the MDC. */
    public static void withMdc(RequestState state, Runnable logging) {
        String id = state.requestId();
        MDC.put(MDC_KEY, id == null ? "-" : id);
        try {
            logging.run();
        } finally {
            MDC.remove(MDC_KEY);
        }
    }
}
