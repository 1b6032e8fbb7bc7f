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

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.levee.core.time.Ticker;
import dev.levee.gateway.config.AuthConfig;
import dev.levee.gateway.config.ConfigException;
import dev.levee.gateway.http.HttpError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * Verifies bearer JWTs with nimbus-jose-jwt: HS256 with {@code auth.jwt.hmac-secret}, RS256/ES256 with the keys
 * of {@code auth.jwt.jwks-url} (fetched and cached by nimbus' JWKSourceBuilder) and/or a PEM public key file.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li>A token that is present but not acceptable is always a 401 with a {@code reason}; it is never treated as
 *       "no token" (that would let a forged or expired agent token ride as a browser, or worse, let a client
 *       probe which tokens are checked). Unsigned ({@code alg: none}) and encrypted tokens are refused before
 *       any key lookup, and only the algorithms a configured key can verify are accepted, which rules out
 *       algorithm confusion (an RS256 public key used as an HS256 secret).</li>
 *   <li>{@code exp}/{@code nbf}/{@code iss}/{@code aud} are checked here rather than by nimbus'
 *       DefaultJWTClaimsVerifier so "now" comes from the injected {@link Ticker} (tests move it) and each
 *       failure gets a stable reason code.</li>
 *   <li>JWKS lookups can block on HTTP when the cache is cold or a new {@code kid} appears, so tokens verified
 *       with the JWKS run on a worker thread; HMAC and PEM-key tokens are verified inline (pure CPU).</li>
 * </ul>
 */
public final class JwtAuthenticator implements AutoCloseable {
    private static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
    private static final int MAX_TOKEN_CHARS = 16 * 1024;

    private final AuthConfig.Jwt config;
    private final Ticker ticker;
    private final Vertx vertx;
    private final byte @Nullable [] hmacSecret;
    private final List<JWK> fileKeys;
    private final @Nullable JWKSource<SecurityContext> jwks;
    private final DefaultJWTProcessor<SecurityContext> processor;

    public JwtAuthenticator(AuthConfig.Jwt config, Ticker ticker, Vertx vertx) {
        this.config = requireNonNull(config, "config");
        this.ticker = requireNonNull(ticker, "ticker");
        this.vertx = requireNonNull(vertx, "vertx");
        this.hmacSecret = config.hmacSecret() == null ? null : config.hmacSecret().getBytes(StandardCharsets.UTF_8);
        this.fileKeys = config.publicKeyFile() == null ? List.of() : List.of(readPem(config.publicKeyFile()));
        this.jwks = config.jwksUrl() == null ? null : jwkSource(config);
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT,
                new JOSEObjectType("at+jwt"), null));
        processor.setJWSKeySelector(this::selectKeys);
        processor.setJWTClaimsSetVerifier((claims, ctx) -> verifyClaims(claims));
    }

    private static JWKSource<SecurityContext> jwkSource(AuthConfig.Jwt config) {
        try {
            URL url = URI.create(config.jwksUrl()).toURL();
            long ttl = config.jwksCache().toMillis();
            return JWKSourceBuilder.<SecurityContext>create(url)
                    .cache(ttl, Math.min(ttl, 15_000))
                    .rateLimited(Math.min(ttl, 30_000))
                    .build();
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("auth.jwt.jwks-url: '" + config.jwksUrl() + "' (" + e.getMessage() + ")", e);
        }
    }

    /** True when any key is configured; without one, tokens are not inspected and every request is anonymous. */
    public boolean enabled() {
        return config.enabled();
    }

    /**
     * Authenticates an {@code Authorization} header value (null: none). No header, or a scheme other than Bearer,
     * is anonymous. A bearer token is verified: the future fails with a 401 {@link HttpError} if it is not
     * acceptable, or a 503 if the key set cannot be fetched.
     */
    public Future<Authenticated> authenticate(String authorization) {
        if (!enabled() || authorization == null || !authorization.regionMatches(true, 0, "Bearer", 0, 6)
                || authorization.length() > 6 && authorization.charAt(6) != ' ') {
            return Future.succeededFuture(Authenticated.ANONYMOUS);
        }
        String token = authorization.substring(6).trim();
        if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            return Future.failedFuture(invalid("malformed"));
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            return Future.failedFuture(invalid("malformed"));
        }
        if (jwt instanceof PlainJWT || jwt instanceof EncryptedJWT || !(jwt instanceof SignedJWT signed)) {
            return Future.failedFuture(invalid("unsupported_algorithm"));
        }
        JWSAlgorithm alg = signed.getHeader().getAlgorithm();
        if (!accepted(alg)) {
            return Future.failedFuture(invalid("unsupported_algorithm"));
        }
        if (jwks != null && ASYMMETRIC.contains(alg)) {
            return vertx.executeBlocking(() -> verify(signed, token), false);
        }
        try {
            return Future.succeededFuture(verify(signed, token));
        } catch (HttpError e) {
            return Future.failedFuture(e);
        }
    }

    private boolean accepted(JWSAlgorithm alg) {
        if (JWSAlgorithm.HS256.equals(alg)) {
            return hmacSecret != null;
        }
        return ASYMMETRIC.contains(alg) && (jwks != null || !fileKeys.isEmpty());
    }

    private Authenticated verify(SignedJWT jwt, String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (ClaimsRejected e) {
            throw invalid(e.reason);
        } catch (BadJWSException e) {
            throw invalid("bad_signature");
        } catch (BadJWTException e) {
            throw invalid("malformed");
        } catch (KeySourceException e) {
            throw HttpError.of(503, "Token keys unavailable");
        } catch (BadJOSEException e) {
            // no configured key matches the header (unknown kid, wrong key type, wrong typ)
            throw invalid("unknown_key");
        } catch (JOSEException e) {
            throw invalid("bad_signature");
        }
        return new Authenticated(claims.getClaims(), identity(claims, token));
    }

    private static String identity(JWTClaimsSet claims, String token) {
        String sub = claims.getSubject();
        if (sub != null && !sub.isEmpty()) {
            return sub;
        }
        try { // no subject: the token itself identifies the client, so nothing is shared across clients
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return "token-sha256:" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<? extends java.security.Key> selectKeys(JWSHeader header, SecurityContext ctx)
            throws KeySourceException {
        JWSAlgorithm alg = header.getAlgorithm();
        if (JWSAlgorithm.HS256.equals(alg)) {
            return hmacSecret == null ? List.of() : List.of(new javax.crypto.spec.SecretKeySpec(hmacSecret, "HmacSHA256"));
        }
        if (!ASYMMETRIC.contains(alg)) {
            return List.of();
        }
        List<java.security.Key> keys = new ArrayList<>();
        for (JWK k : fileKeys) { // a file key has no kid: it matches any kid of its type
            try {
                if (JWSAlgorithm.RS256.equals(alg) && k instanceof RSAKey rsa) {
                    keys.add(rsa.toPublicKey());
                } else if (JWSAlgorithm.ES256.equals(alg) && k instanceof ECKey ec
                        && Curve.P_256.equals(ec.getCurve())) {
                    keys.add(ec.toPublicKey());
                }
            } catch (JOSEException e) {
                throw new KeySourceException("unusable public key file", e);
            }
        }
        if (jwks != null) {
            try {
                keys.addAll(new JWSVerificationKeySelector<>(alg, jwks).selectJWSKeys(header, ctx));
            } catch (RateLimitReachedException e) {
                // an unknown kid asked for a refetch too soon after the last one: the keys we have do not match
                return keys;
            } catch (KeySourceException e) {
                if (keys.isEmpty()) {
                    throw e;
                }
                // the key set is unreachable but the key file may still verify this token
            }
        }
        return keys;
    }

    private void verifyClaims(JWTClaimsSet claims) throws BadJWTException {
        long now = ticker.epochMillis();
        long skew = config.clockSkew().toMillis();
        Date exp = claims.getExpirationTime();
        if (exp != null && now >= exp.getTime() + skew) {
            throw new ClaimsRejected("expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now + skew < nbf.getTime()) {
            throw new ClaimsRejected("not_yet_valid");
        }
        if (config.issuer() != null && !config.issuer().equals(claims.getIssuer())) {
            throw new ClaimsRejected("wrong_issuer");
        }
        if (config.audience() != null && (claims.getAudience() == null
                || !claims.getAudience().contains(config.audience()))) {
            throw new ClaimsRejected("wrong_audience");
        }
    }

    private static HttpError invalid(String reason) {
        return HttpError.of(401, "Invalid token").with("reason", reason);
    }

    private static JWK readPem(String file) {
        String pem;
        try {
            pem = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigException("auth.jwt.public-key-file: " + file + " cannot be read (" + e.getMessage()
                    + ")", e);
        }
        try {
            PublicKey key;
            if (pem.contains("BEGIN CERTIFICATE")) {
                key = CertificateFactory.getInstance("X.509")
                        .generateCertificate(new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                        .getPublicKey();
            } else {
                String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
                X509EncodedKeySpec spec = new X509EncodedKeySpec(Base64.getDecoder().decode(base64));
                key = decode(spec);
            }
            if (key instanceof RSAPublicKey rsa) {
                return new RSAKey.Builder(rsa).build();
            }
            if (key instanceof ECPublicKey ec) {
                return new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build();
            }
            throw new ConfigException("auth.jwt.public-key-file: " + file + " holds a " + key.getAlgorithm()
                    + " key (expected: RSA or EC P-256)");
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            throw new ConfigException("auth.jwt.public-key-file: " + file + " is not a PEM public key or "
                    + "certificate (" + e.getMessage() + ")", e);
        }
    }

    private static PublicKey decode(X509EncodedKeySpec spec) throws Exception {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (java.security.spec.InvalidKeySpecException notRsa) {
            return KeyFactory.getInstance("EC").generatePublic(spec);
        }
    }

    @Override
    public void close() {
        if (jwks instanceof Closeable c) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing to do on shutdown
            }
        }
    }

    /** A claims check failed; carries the reason code for the 401. */
    private static final class ClaimsRejected extends BadJWTException {
        final String reason;

        ClaimsRejected(String reason) {
            super(reason);
            this.reason = reason;
        }
    }
}
