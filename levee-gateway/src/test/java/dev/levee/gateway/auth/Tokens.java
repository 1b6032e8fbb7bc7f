package dev.levee.gateway.auth;

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

    public static JWTClaimsSet.Builder claims(long nowMillis, Map<String, Object> extra) {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .subject("user-1")
                .issueTime(new Date(nowMillis))
                .expirationTime(new Date(nowMillis + 3_600_000));
        extra.forEach(b::claim);
        return b;
    }

    public static String hs256(String secret, JWTClaimsSet claims) {
        try {
            return sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)), new JWSHeader(JWSAlgorithm.HS256),
                    claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String rs256(RSAKey key, JWTClaimsSet claims) {
        try {
            return sign(new RSASSASigner(key), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .build(), claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

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

    /** An unsecured token: header {"alg":"none"}, the claims, an empty signature. */
    public static String none(JWTClaimsSet claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8)) + ".";
    }

    /** A token whose header says HS256 but with a signature that is not the secret's. */
    public static String tamper(String token) {
        String[] parts = token.split("\\.");
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"user\"", "\"agent\"");
        return parts[0] + "." + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }

    public static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
