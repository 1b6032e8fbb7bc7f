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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.levee.core.time.ManualTicker;
import dev.levee.gateway.admission.AdmissionFeature;
import dev.levee.gateway.testing.GatewayExtension;
import dev.levee.testing.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RS256 with a PEM public key file, RS256 and ES256 with a JWKS served by the test's upstream, through the real
 * gateway. The key set is fetched once and then served from nimbus' cache.
 */
class AsymmetricKeysTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ManualTicker clock = new ManualTicker();
    static final AtomicInteger jwksFetches = new AtomicInteger();
    static final RSAKey FILE_KEY = generateRsa("file-key");
    static final RSAKey JWKS_RSA = generateRsa("rsa-1");
    static final ECKey JWKS_EC = generateEc("ec-1");
    static final Path PEM = writePem();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> {
                r.get("/.well-known/jwks.json").handler(ctx -> {
                    jwksFetches.incrementAndGet();
                    ctx.response().putHeader("Content-Type", "application/json")
                            .end(new JWKSet(List.of(JWKS_RSA.toPublicJWK(), JWKS_EC.toPublicJWK())).toString());
                });
                r.route().handler(ctx -> ctx.end("ok"));
            })
            .config("""
                    auth:
                      jwt:
                        jwks-url: "${upstream}/.well-known/jwks.json"
                        public-key-file: "%s"
                    """.formatted(PEM.toString().replace("\\", "/")))
            .features(List.of(AdmissionFeature::new)).filters(List.of(dev.levee.gateway.admission.ProbeAccess.filter()))
            .ticker(clock)
            .scheduler(clock)
            .build();

    static RSAKey generateRsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey generateEc(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Path writePem() {
        try {
            Path p = Files.createTempFile("levee-test-key", ".pem");
            p.toFile().deleteOnExit();
            Files.writeString(p, Tokens.pem(FILE_KEY.toPublicKey()));
            return p;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JWTClaimsSet claims(Map<String, Object> extra) {
        return Tokens.claims(clock.epochMillis(), extra).build();
    }

    HttpResponse<String> probe(String token) throws Exception {
        return gw.get("/probe", "Authorization", "Bearer " + token);
    }

    String classOf(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("class").asText();
    }

    @Test
    void rs256WithThePublicKeyFile() throws Exception {
        assertThat(classOf(probe(Tokens.rs256(FILE_KEY, claims(Map.of("role", "agent")))))).isEqualTo("agent");
    }

    @Test
    void rs256AndEs256WithTheJwksUrl() throws Exception {
        assertThat(classOf(probe(Tokens.rs256(JWKS_RSA, claims(Map.of("role", "agent")))))).isEqualTo("agent");
        assertThat(classOf(probe(Tokens.es256(JWKS_EC, claims(Map.of("recent_bet_count", 2))))))
                .isEqualTo("active_bettor");
        int fetches = jwksFetches.get();
        for (int i = 0; i < 5; i++) {
            assertThat(classOf(probe(Tokens.es256(JWKS_EC, claims(Map.of("role", "agent")))))).isEqualTo("agent");
        }
        assertThat(jwksFetches.get()).as("served from the cache").isEqualTo(fetches).isPositive();
    }

    @Test
    void tokenSignedByAnUnknownKeyIs401() throws Exception {
        RSAKey stranger = generateRsa("rsa-1"); // same kid as the JWKS key, different key
        HttpResponse<String> r = probe(Tokens.rs256(stranger, claims(Map.of("role", "agent"))));
        assertThat(r.statusCode()).isEqualTo(401);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("reason").asText()).isEqualTo("bad_signature");

        ECKey unknownKid = generateEc("ec-unknown");
        HttpResponse<String> r2 = probe(Tokens.es256(unknownKid, claims(Map.of("role", "agent"))));
        assertThat(r2.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(r2.body()).get("reason").asText()).isEqualTo("unknown_key");
    }

    @Test
    void hs256IsRefusedWhenNoSecretIsConfigured() throws Exception {
        // an attacker may sign HS256 with the (public) RSA key bytes as the secret: only configured algorithms count
        HttpResponse<String> r = probe(Tokens.hs256(new String(FILE_KEY.toPublicKey().getEncoded(),
                java.nio.charset.StandardCharsets.ISO_8859_1), claims(Map.of("role", "agent"))));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(r.body()).get("reason").asText()).isEqualTo("unsupported_algorithm");
    }
}
