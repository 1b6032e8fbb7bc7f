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
package dev.levee.gateway.readpath;

import dev.levee.gateway.config.RouteConfig;
import dev.levee.gateway.http.RequestTargets;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Cache and coalescing keys: {@code GET canonical-path?normalized-query|h:vary=value...|id:identity}, built only
 * from what the read path forwards.
 *
 * <p>HEAD shares GET's key (the read path always fetches with GET and leaves the body off for HEAD). The path is
 * {@link RequestTargets#canonicalPath} (the read path forwards exactly that path). The query is put in canonical
 * form ({@link #normalizedQuery}): decoded and re-encoded, so {@code ?a=1&b=%32} and {@code ?b=2&a=1} are one key,
 * while the values of one repeated parameter keep their order ({@code lang=en&lang=de} is not
 * {@code lang=de&lang=en}: the upstream reads them differently). The query is forwarded as the client wrote it;
 * every upstream that decodes percent-encoding and reads parameters by name reads the same request for one key.
 *
 * <p>On a non-public route every credential header the request carries ({@link #CREDENTIAL_HEADERS}: Authorization,
 * Cookie, X-Api-Key, plus the route's {@code identity-headers}) goes into the key as a SHA-256 of all their values,
 * so two callers with any differing credential never share a cached answer or a coalesced flight. A verified
 * subject alone is not enough: two tokens of one subject may carry different claims, and a cookie or API key next
 * to the token may be what the upstream acts on.
 */
final class CacheKeys {
    private CacheKeys() {}

    /** Credential headers on every non-public route; a route adds its own with {@code identity-headers}. */
    static final List<String> CREDENTIAL_HEADERS = List.of("Authorization", "Cookie", "X-Api-Key");

    static String keyFor(RoutingContext ctx, RouteConfig route) {
        return keyFor(ctx, route, null);
    }

    /** The key, leaving out query parameter {@code without} (the batch key parameter), if given. */
    static String keyFor(RoutingContext ctx, RouteConfig route, String without) {
        return resource(ctx.request(), without) + suffix(ctx, route);
    }

    /**
     * {@code GET canonical-path[?normalized-query]}: the upstream resource, the same for every caller.
     *
     * @throws IllegalArgumentException on malformed percent-encoding in the query
     */
    static String resource(HttpServerRequest req, String without) {
        StringBuilder sb = new StringBuilder(96).append("GET ").append(RequestTargets.canonicalPath(req.path()));
        String query = normalizedQuery(req.uri(), without);
        if (!query.isEmpty()) {
            sb.append('?').append(query);
        }
        return sb.toString();
    }

    /** What separates callers of one resource: the route's {@code vary-headers} and the caller's identity. */
    static String suffix(RoutingContext ctx, RouteConfig route) {
        List<String> vary = route.varyHeaders();
        String identity = identity(ctx, route);
        if (vary.isEmpty() && identity == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(64);
        for (String h : vary) {
            String v = ctx.request().getHeader(h);
            sb.append("|h:").append(h.toLowerCase(Locale.ROOT)).append('=').append(v == null ? "" : v);
        }
        if (identity != null) {
            sb.append("|id:").append(identity);
        }
        return sb.toString();
    }

    /** The caller's identity part of the key, or null on a public route or for a request without credentials. */
    static String identity(RoutingContext ctx, RouteConfig route) {
        if (route.isPublic()) {
            return null;
        }
        StringBuilder credentials = null;
        for (String name : credentialHeaders(route)) {
            for (String value : ctx.request().headers().getAll(name)) {
                if (credentials == null) {
                    credentials = new StringBuilder(128);
                }
                credentials.append(name.toLowerCase(Locale.ROOT)).append('\u0000').append(value).append('\u0000');
            }
        }
        return credentials == null ? null : "h:" + sha256(credentials.toString());
    }

    private static List<String> credentialHeaders(RouteConfig route) {
        if (route.identityHeaders().isEmpty()) {
            return CREDENTIAL_HEADERS;
        }
        List<String> all = new ArrayList<>(CREDENTIAL_HEADERS);
        route.identityHeaders().stream().filter(h -> all.stream().noneMatch(h::equalsIgnoreCase)).forEach(all::add);
        return all;
    }

    /**
     * A digest of the values {@code headers} (what the read path forwards) has for {@code names}: the key part and
     * the check of a response that varies on them ({@code Vary}).
     */
    static String varyDigest(MultiMap headers, List<String> names) {
        StringBuilder sb = new StringBuilder(64);
        for (String name : names) {
            sb.append(name).append('\u0000');
            for (String v : headers.getAll(name)) {
                sb.append(v).append('\u0001');
            }
            sb.append('\u0000');
        }
        return sha256(sb.toString());
    }

    /** @throws IllegalArgumentException on malformed percent-encoding */
    static Map<String, List<String>> parameters(String uri) {
        return RequestTargets.queryParameters(uri);
    }

    /**
     * The query in canonical form: every parameter decoded and re-encoded as {@code name=value} (percent-encoding,
     * {@code %20} for space), the pairs sorted stably by name (a repeated parameter keeps the order of its values);
     * {@code without} (if given) left out.
     *
     * <p>Fast path: a query made only of characters that decode and re-encode to themselves, with at most one
     * {@code =} per pair, is already canonical pair by pair, so it is only split and sorted (no decoding). Both
     * paths give the same key for the same parameters ({@code CacheKeysTest} checks this on random queries).
     */
    static String normalizedQuery(String uri, String without) {
        int q = uri.indexOf('?');
        if (q < 0 || q == uri.length() - 1) {
            return "";
        }
        String raw = uri.substring(q + 1);
        List<String> pairs = canonicalAsIs(raw, without);
        if (pairs == null) {
            pairs = decoded(uri, without);
        }
        pairs.sort(CacheKeys::byName);
        return String.join("&", pairs);
    }

    /** Orders canonical {@code name=value} pairs by name only (the name is encoded, so its end is the first '='). */
    static int byName(String a, String b) {
        int ea = a.indexOf('=');
        int eb = b.indexOf('=');
        return CharSequence.compare(a.subSequence(0, ea < 0 ? a.length() : ea), b.subSequence(0, eb < 0 ? b.length() : eb));
    }

    /** The pairs of {@code raw} if it is canonical as written, else null. */
    private static List<String> canonicalAsIs(String raw, String without) {
        List<String> pairs = new ArrayList<>();
        int start = 0;
        int equals = 0;
        for (int i = 0; i <= raw.length(); i++) {
            char c = i == raw.length() ? '&' : raw.charAt(i);
            if (c == '&') {
                if (i > start) {
                    if (raw.charAt(start) == '=') {
                        return null; // an empty name: let the decoder decide
                    }
                    String pair = raw.substring(start, i);
                    int eq = pair.indexOf('=');
                    String name = eq < 0 ? pair : pair.substring(0, eq);
                    if (!name.equals(without)) {
                        pairs.add(eq < 0 ? pair + '=' : pair);
                    }
                }
                start = i + 1;
                equals = 0;
            } else if (c == '=') {
                if (++equals > 1) {
                    return null;
                }
            } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '_' || c == '*')) {
                return null;
            }
        }
        return pairs;
    }

    static List<String> decoded(String uri, String without) {
        List<String> pairs = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : parameters(uri).entrySet()) {
            if (e.getKey().equals(without)) {
                continue;
            }
            String name = encode(e.getKey());
            for (String v : e.getValue()) {
                pairs.add(name + '=' + encode(v));
            }
        }
        return pairs;
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String sha256(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
