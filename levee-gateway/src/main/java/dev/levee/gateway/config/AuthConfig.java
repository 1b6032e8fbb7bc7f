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

/** {@code auth:} how clients prove who they are. */
public record AuthConfig(Jwt jwt) {
    public AuthConfig {
        Checks.required("jwt", jwt);
    }

    /**
     * {@code auth.jwt:} accepted token keys. Any of {@code hmac-secret} (HS256), {@code jwks-url} or
     * {@code public-key-file} (RS256/ES256); {@code issuer} and {@code audience} are checked when set.
     * {@code clock-skew} is the tolerance on {@code exp} and {@code nbf}; {@code jwks-cache} how long fetched
     * keys are kept before they are fetched again (an unknown {@code kid} triggers an early, rate-limited refetch).
     */
    public record Jwt(String hmacSecret, String jwksUrl, String publicKeyFile, String issuer, String audience,
                      Duration clockSkew, Duration jwksCache) {
        public Jwt {
            if (hmacSecret != null && hmacSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
                throw new ConfigException("hmac-secret: " + hmacSecret.length()
                        + " characters (expected: at least 32 bytes, as HS256 requires)");
            }
            if (jwksUrl != null && !(jwksUrl.startsWith("http://") || jwksUrl.startsWith("https://"))) {
                throw new ConfigException("jwks-url: '" + jwksUrl + "' (expected: an http:// or https:// URL)");
            }
            Checks.nonNegative("clock-skew", clockSkew);
            Checks.positive("jwks-cache", jwksCache);
        }

        public boolean enabled() {
            return hmacSecret != null || jwksUrl != null || publicKeyFile != null;
        }
    }
}
