package dev.levee.gateway.config;

/** {@code auth:} how clients prove who they are. */
public record AuthConfig(Jwt jwt) {
    public AuthConfig {
        Checks.required("jwt", jwt);
    }

    /**
     * {@code auth.jwt:} accepted token keys. Any of {@code hmac-secret} (HS256), {@code jwks-url} or
     * {@code public-key-file} (RS256/ES256); {@code issuer} and {@code audience} are checked when set.
     */
    public record Jwt(String hmacSecret, String jwksUrl, String publicKeyFile, String issuer, String audience) {
        public Jwt {
            if (hmacSecret != null && hmacSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
                throw new ConfigException("hmac-secret: " + hmacSecret.length()
                        + " characters (expected: at least 32 bytes, as HS256 requires)");
            }
        }

        public boolean enabled() {
            return hmacSecret != null || jwksUrl != null || publicKeyFile != null;
        }
    }
}
