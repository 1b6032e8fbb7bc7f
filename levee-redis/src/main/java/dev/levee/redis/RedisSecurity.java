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
package dev.levee.redis;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import org.jspecify.annotations.Nullable;

import java.nio.file.Files;
import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * How a {@link RedisConnection} proves who it is and whom it talks to: an ACL user and password (Redis 6+ {@code AUTH
 * user password}; a password alone authenticates as the {@code default} user, i.e. {@code requirepass}) and, for
 * {@code rediss://} URLs, the CA certificates the server's certificate is verified against (unset: the JDK's
 * trusted CAs). The server's certificate and host name are always verified ({@code rediss://} never trusts blindly).
 *
 * <p>A password given here replaces the URL's user info ({@code redis://user:pass@host}) as a whole: user and
 * password are both taken from here. {@link #toString}
 * never shows the password.
 */
public final class RedisSecurity {
    /** No credentials beyond the URL's, the JDK's trusted CAs. */
    public static final RedisSecurity NONE = new RedisSecurity(null, null, null);

    private final @Nullable String username;
    private final char @Nullable [] password;
    private final @Nullable Path caFile;

    private RedisSecurity(@Nullable String username, char @Nullable [] password, @Nullable Path caFile) {
        this.username = username;
        this.password = password;
        this.caFile = caFile;
    }

    /**
     * @param username the ACL user, or null for {@code default} (with a password) or the URL's (without)
     * @param password its password, or null for the URL's user info (if any)
     * @param caFile   a PEM file of the CA certificates that may sign the server's certificate, or null for the JDK's
     * @return the settings
     * @throws IllegalArgumentException for a username without a password, or a CA file that cannot be read
     */
    public static RedisSecurity of(@Nullable String username, @Nullable String password, @Nullable Path caFile) {
        if (username != null && password == null) {
            throw new IllegalArgumentException("username: " + username + " (expected: with a password)");
        }
        if (caFile != null && !Files.isReadable(caFile)) {
            throw new IllegalArgumentException("caFile: " + caFile + " (expected: a readable PEM file)");
        }
        return new RedisSecurity(username, password == null ? null : password.toCharArray(), caFile);
    }

    /** @return the CA file, or null for the JDK's trusted CAs */
    public @Nullable Path caFile() {
        return caFile;
    }

    /** Puts the credentials, if any, on {@code uri} (the URL's own stay when none are set here). */
    void applyTo(RedisURI uri) {
        requireNonNull(uri, "uri");
        char[] pw = password;
        if (pw != null) {
            String user = username;
            uri.setCredentialsProvider(RedisCredentialsProvider.from(() -> RedisCredentials.just(user, pw)));
        }
    }

    /** The TLS trust for the client's options: the CA file's certificates, or null for Lettuce's default. */
    @Nullable SslOptions sslOptions() {
        Path ca = caFile;
        return ca == null ? null : SslOptions.builder().jdkSslProvider().trustManager(ca.toFile()).build();
    }

    @Override
    public String toString() {
        return "RedisSecurity[username=" + username + ", password=" + (password == null ? "none" : "<redacted>")
                + ", caFile=" + caFile + "]";
    }
}
