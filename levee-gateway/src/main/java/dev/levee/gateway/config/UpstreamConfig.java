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
package dev.levee.gateway.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * {@code upstream:} the API Levee protects.
 *
 * Without an {@code upstreams:} entry named {@code default}, this block is that default cluster: one endpoint,
 * {@link #url}, with no health checks, ejection or retries. Its timeouts and pool limits are also what every
 * {@code upstreams:} entry gets for the keys it leaves out.
 *
 * @param maxInFlight requests sent to the upstream and not yet answered, read path and plain proxy together;
 *                    past it a request gets 503 at once (a hung upstream cannot collect every connection)
 * @param tls         how {@code https://} URLs are verified
 */
public record UpstreamConfig(String url, Duration timeout, Duration connectTimeout, int maxConnections,
                             int maxInFlight, Tls tls) {
    public UpstreamConfig {
        Checks.required("url", url);
        checkUrl("url", url);
        Checks.positive("timeout", timeout);
        Checks.positive("connect-timeout", connectTimeout);
        Checks.positive("max-connections", maxConnections);
        Checks.inRange("max-in-flight", maxInFlight, 1, 100_000);
        tls = tls == null ? Tls.DEFAULT : tls;
    }

    /** Fails with {@code "KEY: 'URL' (expected: ...)"} unless {@code url} is an http:// or https:// URL with a host. */
    static URI checkUrl(String key, @Nullable String url) {
        URI uri;
        try {
            uri = URI.create(String.valueOf(url));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ": '" + url + "' (expected: an http:// or https:// URL with a host)");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new ConfigException(key + ": '" + url + "' (expected: an http:// or https:// URL with a host)");
        }
        return uri;
    }

    /**
     * {@code tls:} of an upstream. The certificate and host name of an {@code https://} upstream are always verified:
     * against the JDK's trusted CAs, or with {@code ca-file} against the CA certificates in that PEM file only.
     */
    public record Tls(@Nullable String caFile) {
        static final Tls DEFAULT = new Tls(null);

        public Tls {
            if (caFile != null && !Files.isReadable(Path.of(caFile))) {
                throw new ConfigException("ca-file: " + caFile + " (expected: a readable PEM file)");
            }
        }
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
