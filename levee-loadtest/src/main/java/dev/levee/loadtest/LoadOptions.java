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
package dev.levee.loadtest;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * What a {@link LoadGenerator} run does. Build with {@link #builder()} or start from a {@link Scenario}.
 *
 * <p>The path and body templates may use {@code {fixture}} (the key drawn from {@link #keys()}), {@code {client}}
 * (the client's number), {@code {class}} (its class name), {@code {seq}} (the client's request number) and
 * {@code {now}} (epoch milliseconds).
 *
 * @param url         target base URL, e.g. {@code http://127.0.0.1:8080} (http or https; https trusts any certificate)
 * @param path        path-and-query template
 * @param method      HTTP method ({@code GET}, or {@code POST} with a body)
 * @param body        JSON body template sent with every request, or null for none
 * @param concurrency clients, each with at most one request in flight
 * @param duration    stop starting requests after this long; null for no time limit
 * @param requests    stop after this many requests in total; 0 for no count limit
 * @param mix         share of clients per class
 * @param jwtSecret   HS256 secret (at least 32 bytes) for the agents' and active bettors' tokens; null sends no tokens
 * @param jwtIssuer   {@code iss} claim of the tokens, or null
 * @param keys        how each request's {@code {fixture}} is drawn
 * @param timeout     per-request timeout (connect + response); past it the request counts as an error
 * @param rampUp      clients start evenly spread over this period (0 = all at once)
 * @param seed        seed for the clients' key draws
 * @param honourRetryAfter a client answered 429 or 503 with {@code Retry-After: N} waits N seconds before its
 *                    next request, as a well-behaved app does; off, it asks again at once (a retry storm)
 */
public record LoadOptions(URI url, String path, String method, @Nullable String body, int concurrency,
                          @Nullable Duration duration, long requests, ClientMix mix, @Nullable String jwtSecret,
                          @Nullable String jwtIssuer, KeyDistribution keys,
                          Duration timeout, Duration rampUp, long seed, boolean honourRetryAfter) {

    public LoadOptions {
        requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("url: '" + url + "' (expected: http://host:port or https://host:port)");
        }
        requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path: '" + path + "' (expected: starts with /)");
        }
        requireNonNull(method, "method");
        method = method.toUpperCase(Locale.ROOT);
        if (concurrency < 1 || concurrency > 200_000) {
            throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: 1..200000)");
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: > 0)");
        }
        if (requests < 0) {
            throw new IllegalArgumentException("requests: " + requests + " (expected: >= 0, 0 = no count limit)");
        }
        if (duration == null && requests == 0) {
            throw new IllegalArgumentException("duration: null and requests: 0 (expected: a duration, a request count or both)");
        }
        requireNonNull(mix, "mix");
        if (jwtSecret != null && jwtSecret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("jwtSecret: " + jwtSecret.getBytes(StandardCharsets.UTF_8).length
                    + " bytes (expected: at least 32 bytes, as HS256 requires)");
        }
        requireNonNull(keys, "keys");
        requireNonNull(timeout, "timeout");
        if (timeout.toMillis() < 1) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 1ms)");
        }
        requireNonNull(rampUp, "rampUp");
        if (rampUp.isNegative()) {
            throw new IllegalArgumentException("rampUp: " + rampUp + " (expected: >= 0)");
        }
    }

    /** True when the agents' and active bettors' requests carry signed tokens. */
    public boolean signsTokens() {
        return jwtSecret != null;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().url(url).path(path).method(method).body(body).concurrency(concurrency).duration(duration)
                .requests(requests).mix(mix).jwtSecret(jwtSecret).jwtIssuer(jwtIssuer).keys(keys).timeout(timeout)
                .rampUp(rampUp).seed(seed).honourRetryAfter(honourRetryAfter);
    }

    /**
     * Defaults: {@code http://127.0.0.1:8080}, {@code GET /api/v3/fixtures/odds?fixture_id={fixture}}, 1,000 clients
     * for 30 s, mix 10/30/60, {@code zipf:1.1:200}, timeout 30 s, no ramp-up, no tokens, seed 1.
     */
    public static final class Builder {
        private URI url = URI.create("http://127.0.0.1:8080");
        private String path = "/api/v3/fixtures/odds?fixture_id={fixture}";
        private String method = "GET";
        private @Nullable String body;
        private int concurrency = 1_000;
        private @Nullable Duration duration = Duration.ofSeconds(30); // null: a run by request count
        private long requests;
        private ClientMix mix = ClientMix.DEFAULT;
        private @Nullable String jwtSecret;
        private @Nullable String jwtIssuer;
        private KeyDistribution keys = KeyDistribution.zipf(1.1, 200);
        private Duration timeout = Duration.ofSeconds(30);
        private Duration rampUp = Duration.ZERO;
        private long seed = 1;
        private boolean honourRetryAfter;

        private Builder() {}

        public Builder honourRetryAfter(boolean honour) { this.honourRetryAfter = honour; return this; }

        public Builder url(URI url) { this.url = url; return this; }
        public Builder url(String url) { return url(URI.create(url)); }
        public Builder path(String path) { this.path = path; return this; }
        public Builder method(String method) { this.method = method; return this; }
        public Builder body(@Nullable String body) { this.body = body; return this; }
        public Builder concurrency(int concurrency) { this.concurrency = concurrency; return this; }
        /** Run for this long (null: until the request count is reached). */
        public Builder duration(@Nullable Duration duration) { this.duration = duration; return this; }
        /** Stop after this many requests (0: until the duration is up). */
        public Builder requests(long requests) { this.requests = requests; return this; }
        /** Exactly {@code n} requests, no time limit. */
        public Builder requestCount(long n) { return requests(n).duration(null); }
        public Builder mix(ClientMix mix) { this.mix = mix; return this; }
        public Builder jwtSecret(@Nullable String jwtSecret) { this.jwtSecret = jwtSecret; return this; }
        public Builder jwtIssuer(@Nullable String jwtIssuer) { this.jwtIssuer = jwtIssuer; return this; }
        public Builder keys(KeyDistribution keys) { this.keys = keys; return this; }
        public Builder timeout(Duration timeout) { this.timeout = timeout; return this; }
        public Builder rampUp(Duration rampUp) { this.rampUp = rampUp; return this; }
        public Builder seed(long seed) { this.seed = seed; return this; }

        public LoadOptions build() {
            return new LoadOptions(url, path, method, body, concurrency, duration, requests, mix, jwtSecret, jwtIssuer,
                    keys, timeout, rampUp, seed, honourRetryAfter);
        }
    }
}
