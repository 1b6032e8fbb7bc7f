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

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One entry of {@code routes:}. {@code path} is a prefix; the first matching route wins and unmatched paths are
 * proxied plainly. Each protection ({@code cache}, {@code coalesce}, {@code hot-spot}, {@code batch},
 * {@code breaker}) is off for the route when its block is absent, except the breaker, which every route gets
 * unless it says {@code breaker: { enabled: false }} (then {@link #breaker} is null); a present block is filled
 * with the defaults in {@code levee-route-defaults.yaml}.
 *
 * @param isPublic     {@code public: true}: responses may be shared across identities
 * @param varyHeaders  request headers that become part of the cache and coalescing key
 * @param identityHeaders on a non-public route, request headers that carry a credential (an API key under another
 *                     name) besides Authorization, Cookie and X-Api-Key: callers that differ in any never share an
 *                     answer
 * @param upstream     the {@code upstreams:} entry this route's requests go to; null: the default upstream
 */
public record RouteConfig(String path, @com.fasterxml.jackson.annotation.JsonProperty("public") Boolean isPublic,
                          List<String> varyHeaders, List<String> identityHeaders, Cache cache, Coalesce coalesce,
                          HotSpot hotSpot, Batch batch, Breaker breaker, @Nullable String upstream) {
    public RouteConfig {
        Checks.required("path", path);
        if (!path.startsWith("/")) {
            throw new ConfigException("path: '" + path + "' (expected: a path prefix starting with /)");
        }
        varyHeaders = varyHeaders == null ? List.of() : List.copyOf(varyHeaders);
        identityHeaders = identityHeaders == null ? List.of() : List.copyOf(identityHeaders);
        for (String h : identityHeaders) {
            if (h == null || !h.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw new ConfigException("identity-headers: '" + h + "' (expected: a header name)");
            }
        }
        isPublic = Boolean.TRUE.equals(isPublic); // absent = false (a primitive would make the key required)
        if (breaker != null && !breaker.enabled()) {
            breaker = null; // null = off, as for every other block
        }
    }

    public boolean matches(String requestPath) {
        return requestPath.startsWith(path);
    }

    /**
     * {@code cache:} stale-while-revalidate; entries are fresh for {@code fresh}, then servable stale for
     * {@code stale}. With {@code honor-upstream-cache-control} (the default) the upstream's {@code Cache-Control}
     * can only narrow that: {@code no-store}, {@code no-cache}, {@code private} and a zero lifetime are not stored,
     * {@code s-maxage} (else {@code max-age}, less {@code Age}) shortens {@code fresh}, {@code must-revalidate}
     * and {@code proxy-revalidate} drop {@code stale}; false lets the route's times win. {@code Vary} is honoured
     * either way.
     */
    public record Cache(Duration fresh, Duration stale, Duration errorTtl, int maxEntries, ByteSize maxSize,
                        Boolean honorUpstreamCacheControl) {
        public Cache {
            Checks.required("honor-upstream-cache-control", honorUpstreamCacheControl);
            Checks.positive("fresh", fresh);
            Checks.nonNegative("stale", stale);
            Checks.nonNegative("error-ttl", errorTtl);
            Checks.positive("max-entries", maxEntries);
            Checks.positive("max-size", Checks.required("max-size", maxSize).bytes());
        }
    }

    /** {@code coalesce:} one upstream call per key; each waiter gives up after {@code max-wait}. */
    public record Coalesce(Duration maxWait, int maxWaitersPerKey, int maxWaiters) {
        public Coalesce {
            Checks.positive("max-wait", maxWait);
            Checks.positive("max-waiters-per-key", maxWaitersPerKey);
            Checks.positive("max-waiters", maxWaiters);
        }
    }

    /** {@code hot-spot:} at most {@code limit} upstream calls per key in any {@code window}. */
    public record HotSpot(String key, int limit, Duration window, int queue, Duration maxWait) {
        public HotSpot {
            Checks.required("key", key);
            if (!key.matches("(query|header):.+|path:\\d+")) {
                throw new ConfigException("key: '" + key + "' (expected: query:NAME, path:N or header:NAME)");
            }
            Checks.positive("limit", limit);
            Checks.positive("window", window);
            Checks.nonNegative("queue", queue);
            Checks.positive("max-wait", maxWait);
        }
    }

    /**
     * {@code batch:} concurrent requests for different values of query parameter {@code param} within {@code window}
     * share one upstream call (at most {@code max} values, the parameter repeated); the JSON answer is split back by
     * {@code split-by}, {@code ARRAY_PATH[].FIELD}.
     */
    public record Batch(String param, int max, Duration window, String splitBy) {
        public Batch {
            Checks.required("param", param);
            Checks.positive("max", max);
            Checks.positive("window", window);
            Checks.required("split-by", splitBy);
            if (!splitBy.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\[]\\.[A-Za-z0-9_-]+")) {
                throw new ConfigException("split-by: '" + splitBy
                        + "' (expected: ARRAY_PATH[].FIELD, such as data[].fixture_id)");
            }
        }
    }

    /**
     * {@code breaker:} the upstream circuit breaker for this route, on by default. A call counts as slow the moment
     * it has run for {@code slow-call-duration}, so a hung upstream opens it without waiting for the timeout.
     */
    public record Breaker(boolean enabled, int failureRateThreshold, int slowCallRateThreshold,
                          Duration slowCallDuration, int minimumCalls, int windowSize, Duration openFor,
                          int halfOpenProbes) {
        public Breaker {
            Checks.inRange("failure-rate-threshold", failureRateThreshold, 1, 100);
            Checks.inRange("slow-call-rate-threshold", slowCallRateThreshold, 1, 100);
            Checks.positive("slow-call-duration", slowCallDuration);
            Checks.positive("minimum-calls", minimumCalls);
            Checks.positive("window-size", windowSize);
            Checks.positive("open-for", openFor);
            Checks.positive("half-open-probes", halfOpenProbes);
        }
    }
}
