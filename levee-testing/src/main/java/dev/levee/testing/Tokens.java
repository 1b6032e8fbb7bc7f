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
package dev.levee.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

/** Test tokens: signed with nimbus, claims relative to a given "now" (the test's ManualTicker epoch). */
public final class Tokens {
    private Tokens() {}

    /**
     * Claims for subject {@code user-1}, issued at {@code nowMillis} and expiring an hour later.
     *
     * @param nowMillis the issue time, epoch milliseconds (the test ticker's {@code epochMillis()})
     * @param extra further claims, e.g. {@code role}
     * @return a builder, for the test to add or override claims
     */
    public static JWTClaimsSet.Builder claims(long nowMillis, Map<String, Object> extra) {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .subject("user-1")
                .issueTime(new Date(nowMillis))
                .expirationTime(new Date(nowMillis + 3_600_000));
        extra.forEach(b::claim);
        return b;
    }

    /**
     * @param secret the shared HMAC secret (UTF-8 bytes)
     * @param claims the claims
     * @return the compact token, signed HS256
     */
    public static String hs256(String secret, JWTClaimsSet claims) {
        try {
            return sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)), new JWSHeader(JWSAlgorithm.HS256),
                    claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param key the RSA key pair; its key id goes into the header
     * @param claims the claims
     * @return the compact token, signed RS256
     */
    public static String rs256(RSAKey key, JWTClaimsSet claims) {
        try {
            return sign(new RSASSASigner(key), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .build(), claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param key the P-256 key pair; its key id goes into the header
     * @param claims the claims
     * @return the compact token, signed ES256
     */
    public static String es256(ECKey key, JWTClaimsSet claims) {
        try {
            return sign(new ECDSASigner(key), new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                    .build(), claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(JWSSigner signer, JWSHeader header, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    /**
     * An unsecured token: header {@code {"alg":"none"}}, the claims, an empty signature.
     *
     * @param claims the claims
     * @return the compact token
     */
    public static String none(JWTClaimsSet claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8)) + ".";
    }

    /**
     * The token with {@code "user"} changed to {@code "agent"} in its payload and the signature kept: a signature
     * that no longer matches.
     *
     * @param token a signed compact token
     * @return the tampered token
     */
    public static String tamper(String token) {
        String[] parts = token.split("\\.");
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"user\"", "\"agent\"");
        return parts[0] + "." + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }

    /**
     * @param key a public key
     * @return its X.509 encoding as a PEM block
     */
    public static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
