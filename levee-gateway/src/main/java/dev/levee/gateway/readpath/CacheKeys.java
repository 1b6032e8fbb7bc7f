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
import java.util.TreeMap;

/**
 * Cache and coalescing keys: {@code GET path?sorted-normalized-query|h:vary=value...|id:identity}.
 *
 * <p>HEAD shares GET's key (the read path always fetches with GET and leaves the body off for HEAD). The query is
 * decoded and re-encoded with names and values sorted, so {@code ?b=2&a=1} and {@code ?a=1&b=%32} are one key. A
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

    static String normalizedQuery(String uri, String without) {
        Map<String, List<String>> params = parameters(uri);
        if (params.isEmpty()) {
            return "";
        }
        TreeMap<String, List<String>> sorted = new TreeMap<>(params);
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<String>> e : sorted.entrySet()) {
            if (e.getKey().equals(without)) {
                continue;
            }
            List<String> values = new ArrayList<>(e.getValue());
            values.sort(null);
            for (String v : values) {
                if (!sb.isEmpty()) {
                    sb.append('&');
                }
                sb.append(encode(e.getKey())).append('=').append(encode(v));
            }
        }
        return sb.toString();
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
