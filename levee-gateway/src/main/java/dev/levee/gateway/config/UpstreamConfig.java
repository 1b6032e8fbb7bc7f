package dev.levee.gateway.config;

import java.net.URI;
import java.time.Duration;

/**
 * {@code upstream:} the API Levee protects.
 *
 * @param maxInFlight requests sent to the upstream and not yet answered, read path and plain proxy together;
 *                    past it a request gets 503 at once (a hung upstream cannot collect every connection)
 */
public record UpstreamConfig(String url, Duration timeout, Duration connectTimeout, int maxConnections,
                             int maxInFlight) {
    public UpstreamConfig {
        Checks.required("url", url);
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("url: '" + url + "' (expected: an http:// URL)");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new ConfigException("url: '" + url + "' (expected: an http:// or https:// URL with a host)");
        }
        Checks.positive("timeout", timeout);
        Checks.positive("connect-timeout", connectTimeout);
        Checks.positive("max-connections", maxConnections);
        Checks.inRange("max-in-flight", maxInFlight, 1, 100_000);
    }

    public URI uri() {
        return URI.create(url);
    }

    public boolean ssl() {
        return "https".equals(uri().getScheme());
    }

    public int port() {
        int p = uri().getPort();
        return p > 0 ? p : ssl() ? 443 : 80;
    }

    public String host() {
        return uri().getHost();
    }

    /** The path prefix of {@link #url}, without a trailing slash ("" for none). */
    public String basePath() {
        String p = uri().getRawPath();
        if (p == null) {
            return "";
        }
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
