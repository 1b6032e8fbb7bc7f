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

import dev.levee.core.hotspot.WindowDecision;
import dev.levee.redis.hotspot.RedisWindowStore;
import dev.levee.testing.RedisProcess;
import dev.levee.testing.TestCertificates;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A real redis-server speaking TLS only, with an ACL user the test creates: the stores run over a connection that
 * verifies the server's certificate against the test's CA and authenticates as that user; a wrong password and a
 * certificate from a CA the client does not trust are failed connects that say why, never with the password.
 */
class AclTlsConnectionTest {
    static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();
    static final String PASSWORD = "levee-" + UUID.randomUUID();
    static final TestCertificates CERTS = TestCertificates.generate("trusted");
    static final TestCertificates OTHER_CA = TestCertificates.generate("unknown");

    @RegisterExtension
    static final RedisProcess REDIS = RedisProcess.onFreePort("--requirepass", ADMIN_PASSWORD).tls(CERTS);

    @BeforeAll
    static void createTheAclUser() {
        aclSetUser(REDIS, ADMIN_PASSWORD, CERTS, "levee", PASSWORD);
    }

    /** {@code ACL SETUSER user on >password ~* &* +@all}, as the {@code default} user over TLS. */
    static void aclSetUser(RedisProcess redis, String adminPassword, TestCertificates certs, String user,
                           String password) {
        RedisURI uri = RedisURI.create(redis.url());
        uri.setCredentialsProvider(io.lettuce.core.RedisCredentialsProvider.from(
                () -> io.lettuce.core.RedisCredentials.just(null, adminPassword)));
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .sslOptions(SslOptions.builder().jdkSslProvider().trustManager(certs.caCert().toFile()).build())
                .build());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            assertThat(c.sync().aclSetuser(user, io.lettuce.core.AclSetuserArgs.Builder.on()
                    .addPassword(password).allKeys().allChannels().allCommands())).isEqualTo("OK");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void theStoresRunAsTheAclUserOverVerifiedTls() throws Exception {
        RedisSecurity security = RedisSecurity.of("levee", PASSWORD, CERTS.caCert());
        assertThat(security.toString()).doesNotContain(PASSWORD).contains("<redacted>");
        try (RedisConnection redis = RedisConnection.connect(REDIS.url(), Duration.ofSeconds(2), security)) {
            await().atMost(Duration.ofSeconds(30)).until(redis::isConnected);
            assertThat(redis.lastError()).isNull();
            assertThat(redis.misconfiguration()).isNull();
            RedisWindowStore store = RedisWindowStore.create(redis, "levee-test:" + UUID.randomUUID() + ":",
                    Duration.ofSeconds(10));
            WindowDecision first = store.tryAcquire("k", 1, Duration.ofSeconds(60), 0).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            WindowDecision second = store.tryAcquire("k", 1, Duration.ofSeconds(60), 0).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            assertThat(first.allowed()).isTrue();
            assertThat(second.allowed()).isFalse();
            await().atMost(Duration.ofSeconds(30)).until(() -> redis.durability() == Durability.NONE);
        }
    }

    @Test
    void aWrongPasswordIsAFailedConnectThatSaysAuthenticationFailed() {
        String wrong = "wrong-" + UUID.randomUUID();
        try (RedisConnection redis = RedisConnection.connect(REDIS.url(), Duration.ofSeconds(2),
                RedisSecurity.of("levee", wrong, CERTS.caCert()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> redis.lastError() != null);
            assertThat(redis.isConnected()).isFalse();
            assertThat(redis.lastError()).startsWith("authentication failed: WRONGPASS").doesNotContain(wrong);
            assertThatThrownBy(redis::scripting).hasMessageNotContaining(wrong);
        }
    }

    @Test
    void aCertificateFromAnUnknownCaIsRefused() {
        for (RedisSecurity security : new RedisSecurity[] {RedisSecurity.of("levee", PASSWORD, OTHER_CA.caCert()),
                RedisSecurity.of("levee", PASSWORD, null)}) { // the JDK's CAs do not know the test CA either
            try (RedisConnection redis = RedisConnection.connect(REDIS.url(), Duration.ofSeconds(2), security)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> redis.lastError() != null);
                assertThat(redis.isConnected()).isFalse();
                assertThat(redis.lastError()).as(security.toString()).startsWith("TLS handshake failed: ");
            }
        }
    }

    @Test
    void aUsernameNeedsAPasswordAndTheCaFileMustBeReadable() {
        assertThatThrownBy(() -> RedisSecurity.of("levee", null, null))
                .hasMessage("username: levee (expected: with a password)");
        assertThatThrownBy(() -> RedisSecurity.of(null, null, CERTS.caCert().resolveSibling("missing.pem")))
                .hasMessageContaining("(expected: a readable PEM file)");
    }
}
