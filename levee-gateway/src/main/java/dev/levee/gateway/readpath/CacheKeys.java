package dev.levee.gateway.readpath;

import dev.levee.gateway.GatewayContext;
import dev.levee.gateway.config.RouteConfig;
import io.netty.handler.codec.http.QueryStringDecoder;
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
 * Cache and coalescing keys: {@code GET path?sorted-normalized-query|h:vary=value...|id:identity}.
 *
 * <p>HEAD shares GET's key (the read path always fetches with GET and leaves the body off for HEAD). The query is
 * put in canonical form ({@link #normalizedQuery}), so {@code ?b=2&a=1} and {@code ?a=1&b=%32} are one key. A
 * request carrying {@code Authorization} or {@code Cookie} on a non-public route is keyed by identity: the
 * verified subject when authentication set {@link GatewayContext#IDENTITY}, else a SHA-256 of those headers, so
 * one user's response never reaches another.
 */
final class CacheKeys {
    private CacheKeys() {}

    static String keyFor(RoutingContext ctx, RouteConfig route) {
        return keyFor(ctx, route, null);
    }

    /** The key, leaving out query parameter {@code without} (the batch key parameter), if given. */
    static String keyFor(RoutingContext ctx, RouteConfig route, String without) {
        HttpServerRequest req = ctx.request();
        StringBuilder sb = new StringBuilder(96).append("GET ").append(req.path());
        String query = normalizedQuery(req.uri(), without);
        if (!query.isEmpty()) {
            sb.append('?').append(query);
        }
        for (String h : route.varyHeaders()) {
            String v = req.getHeader(h);
            sb.append("|h:").append(h.toLowerCase(Locale.ROOT)).append('=').append(v == null ? "" : v);
        }
        String identity = identity(ctx, route);
        if (identity != null) {
            sb.append("|id:").append(identity);
        }
        return sb.toString();
    }

    static String identity(RoutingContext ctx, RouteConfig route) {
        if (route.isPublic()) {
            return null;
        }
        String auth = ctx.request().getHeader("Authorization");
        String cookie = ctx.request().getHeader("Cookie");
        if (auth == null && cookie == null) {
            return null;
        }
        Object subject = ctx.get(GatewayContext.IDENTITY);
        if (subject != null) {
            return "sub:" + subject;
        }
        return "h:" + sha256((auth == null ? "" : auth) + '\u0000' + (cookie == null ? "" : cookie));
    }

    static Map<String, List<String>> parameters(String uri) {
        return new QueryStringDecoder(uri).parameters();
    }

    /**
     * The query in canonical form: every parameter decoded and re-encoded as {@code name=value} (percent-encoding,
     * {@code %20} for space), the pairs sorted as strings; {@code without} (if given) left out.
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
        pairs.sort(null);
        return String.join("&", pairs);
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
