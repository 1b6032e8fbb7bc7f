package dev.levee.gateway.upstream;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** Header rules for forwarding: hop-by-hop headers (RFC 9110 7.6.1) stay on their hop; X-Forwarded-* are added. */
public final class ProxyHeaders {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

    private ProxyHeaders() {}

    /** Copies {@code from} into {@code to}, leaving out hop-by-hop headers and those named by Connection. */
    public static void copyEndToEnd(MultiMap from, MultiMap to) {
        Set<String> skip = new HashSet<>(HOP_BY_HOP);
        for (String connection : from.getAll("Connection")) {
            for (String token : connection.split(",")) {
                skip.add(token.trim().toLowerCase(Locale.ROOT));
            }
        }
        for (var e : from) {
            if (!skip.contains(e.getKey().toLowerCase(Locale.ROOT))) {
                to.add(e.getKey(), e.getValue());
            }
        }
    }

    /** The request headers to send upstream: end-to-end headers plus X-Forwarded-For/-Proto/-Host. */
    public static MultiMap forRequest(HttpServerRequest request) {
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        copyEndToEnd(request.headers(), out);
        out.remove("Host");
        String client = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        String prior = request.getHeader("X-Forwarded-For");
        if (client != null) {
            out.set("X-Forwarded-For", prior == null || prior.isBlank() ? client : prior + ", " + client);
        }
        out.set("X-Forwarded-Proto", request.isSSL() ? "https" : "http");
        String host = request.authority() != null ? request.authority().toString() : request.getHeader("Host");
        if (host != null) {
            out.set("X-Forwarded-Host", host);
        }
        return out;
    }
}
