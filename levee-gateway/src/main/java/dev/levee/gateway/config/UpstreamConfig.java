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
