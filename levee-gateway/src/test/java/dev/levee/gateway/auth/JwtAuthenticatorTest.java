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
package dev.levee.gateway.auth;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.levee.core.time.ManualTicker;
import dev.levee.gateway.config.AuthConfig;
import dev.levee.gateway.config.ConfigException;
import dev.levee.gateway.http.HttpError;
import dev.levee.testing.Ports;
import dev.levee.testing.Tokens;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Authenticator edge cases that need no gateway: unreachable key set, bad key files, no keys configured. */
class JwtAuthenticatorTest {
    static final Vertx vertx = Vertx.vertx();
    final ManualTicker clock = new ManualTicker();

    @AfterAll
    static void close() {
        vertx.close().await();
    }

    static AuthConfig.Jwt jwt(String secret, String jwksUrl, String keyFile) {
        return new AuthConfig.Jwt(secret, jwksUrl, keyFile, null, null, Duration.ofSeconds(30),
                Duration.ofMinutes(5));
    }

    @Test
    void unreachableKeySetIs503NotAnAuthenticationFailure() throws Exception {
        int port = Ports.closed();
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        try (JwtAuthenticator auth = new JwtAuthenticator(jwt(null, "http://127.0.0.1:" + port + "/jwks", null),
                clock, vertx)) {
            String token = Tokens.rs256(key, Tokens.claims(clock.epochMillis(), Map.of("role", "agent")).build());
            Throwable failure = auth.authenticate("Bearer " + token).toCompletionStage().toCompletableFuture()
                    .handle((ok, e) -> e).get(10, TimeUnit.SECONDS);
            assertThat(failure).isInstanceOf(HttpError.class);
            assertThat(((HttpError) failure).status()).isEqualTo(503);
            assertThat(((HttpError) failure).body()).containsEntry("error", "Token keys unavailable");
        }
    }

    @Test
    void withoutKeysTokensAreNotInspected() {
        try (JwtAuthenticator auth = new JwtAuthenticator(jwt(null, null, null), clock, vertx)) {
            assertThat(auth.enabled()).isFalse();
            assertThat(auth.authenticate("Bearer whatever").result()).isEqualTo(Authenticated.ANONYMOUS);
        }
    }

    @Test
    void identityFallsBackToATokenDigestWithoutSubject() {
        String secret = "a-test-secret-that-is-at-least-32-bytes-long";
        try (JwtAuthenticator auth = new JwtAuthenticator(jwt(secret, null, null), clock, vertx)) {
            String token = Tokens.hs256(secret, Tokens.claims(clock.epochMillis(), Map.of()).subject(null).build());
            String identity = auth.authenticate("Bearer " + token).result().identity();
            assertThat(identity).startsWith("token-sha256:").hasSize("token-sha256:".length() + 32);
            assertThat(auth.authenticate("bearer " + token).result().identity()).isEqualTo(identity);
        }
    }

    @Test
    void unusableKeyFileIsAConfigErrorNamingTheKey() throws Exception {
        Path bad = Files.createTempFile("levee-bad", ".pem");
        Files.writeString(bad, "-----BEGIN PUBLIC KEY-----\nnot base64 at all!\n-----END PUBLIC KEY-----\n");
        try {
            assertThatThrownBy(() -> new JwtAuthenticator(jwt(null, null, bad.toString()), clock, vertx))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("auth.jwt.public-key-file: " + bad + " is not a PEM public key");
            assertThatThrownBy(() -> new JwtAuthenticator(jwt(null, null, "/no/such/file.pem"), clock, vertx))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("auth.jwt.public-key-file: /no/such/file.pem cannot be read");
        } finally {
            Files.deleteIfExists(bad);
        }
    }
}
