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
package dev.levee.gateway.store;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.EffectiveConfig;
import dev.levee.gateway.testing.GatewayExtension;
import dev.levee.testing.RedisProcess;
import dev.levee.testing.TestCertificates;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway instances on a real redis-server that speaks TLS only and wants an ACL user (created here with
 * {@code ACL SETUSER}): the password from the environment, the username from the file, the server's certificate
 * verified against the test's CA ({@code store.redis.tls.ca-file}). Hot-spot windows, the shared cache tier and
 * events work through Redis, and the password shows nowhere: not in the log, {@code /health}, the effective config
 * or its hash.
 */
class RedisAclTlsGatewayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LIMIT = 3;
    static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();
    static final String PASSWORD = "levee-pw-" + UUID.randomUUID();
    static final TestCertificates CERTS = TestCertificates.generate("trusted");

    @RegisterExtension
    @Order(1)
    static final RedisProcess REDIS = RedisProcess.onFreePort("--requirepass", ADMIN_PASSWORD).tls(CERTS);

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final AtomicInteger cachedCalls = new AtomicInteger();
    private final Set<String> delivered = ConcurrentHashMap.newKeySet();

    {
        logged.start();
        root.addAppender(logged); // before the gateway extension starts the instances
    }

    @BeforeAll
    static void createTheAclUser() {
        aclSetUser(REDIS, ADMIN_PASSWORD, CERTS, "levee", PASSWORD);
    }

    /** {@code ACL SETUSER user on >password ~* &* +@all}, as the {@code default} user over TLS. */
    static void aclSetUser(RedisProcess redis, String adminPassword, TestCertificates certs, String user,
                           String password) {
        RedisURI uri = RedisURI.create(redis.url());
        uri.setCredentialsProvider(RedisCredentialsProvider.from(() -> RedisCredentials.just(null, adminPassword)));
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .sslOptions(SslOptions.builder().jdkSslProvider().trustManager(certs.caCert().toFile()).build())
                .build());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            assertThat(c.sync().aclSetuser(user, AclSetuserArgs.Builder.on().addPassword(password).allKeys()
                    .allChannels().allCommands())).isEqualTo("OK");
        } finally {
            client.shutdown();
        }
    }

    static String config(String url, String username, String caFile) {
        return """
                server: { host: 127.0.0.1, port: 0, event-loops: 2, shutdown-grace: 1s }
                store:
                  type: redis
                  redis: { url: "%s", username: %s, tls: { ca-file: "%s" }, expected-instances: 2,
                           command-timeout: 5s }
                events: { sink: "${upstream}/ingest", workers: 1, drain-grace: 1s }
                routes:
                  - path: /odds
                    public: false
                    hot-spot: { key: "query:fixture_id", limit: %d, window: 60s, queue: 0 }
                  - path: /cached
                    public: true
                    cache: { fresh: 30s, stale: 60s }
                    coalesce: { max-wait: 5s }
                """.formatted(url, username, caFile, LIMIT);
    }

    @RegisterExtension
    @Order(2)
    final GatewayExtension gw = GatewayExtension.builder()
            .instances(2)
            .upstream(r -> {
                r.get("/odds").handler(ctx -> ctx.end("{\"odds\":1.5}"));
                r.get("/cached").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                        .end("{\"call\":" + cachedCalls.incrementAndGet() + "}"));
                r.post("/ingest").handler(ctx -> ctx.request().body().onSuccess(b -> {
                    delivered.add(ctx.request().getHeader("X-Levee-Event-Id"));
                    ctx.response().end();
                }));
            })
            .env(Map.of("LEVEE_STORE_REDIS_PASSWORD", PASSWORD))
            .config(config(REDIS.url(), "levee", CERTS.caCert().toString()))
            .build();

    @AfterEach
    void detach() {
        root.detachAppender(logged);
    }

    private JsonNode store(int instance) throws Exception {
        return JSON.readTree(gw.admin(instance, "/health").body()).at("/components/store");
    }

    @Test
    void windowsCacheAndEventsRunOverAclAndVerifiedTlsAndThePasswordShowsNowhere() throws Exception {
        for (int i = 0; i < 2; i++) {
            int instance = i;
            await().atMost(Duration.ofSeconds(30)).until(() -> store(instance).path("connected").asBoolean());
            JsonNode s = store(instance);
            assertThat(s.get("status").asText()).as("instance %d: %s", instance, s).isEqualTo("UP");
            assertThat(s.has("error")).isFalse();
            assertThat(s.get("redis").asText()).isEqualTo("127.0.0.1:" + REDIS.port());
        }

        String fixture = UUID.randomUUID().toString();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 3 * LIMIT; i++) {
            statuses.add(gw.get(i % 2, "/odds?fixture_id=" + fixture).statusCode());
        }
        assertThat(statuses).as("one limit across both instances").filteredOn(c -> c == 200).hasSize(LIMIT);
        assertThat(statuses).filteredOn(c -> c == 429).hasSize(2 * LIMIT);

        String query = "/cached?fixture_id=" + UUID.randomUUID();
        HttpResponse<String> a = gw.get(0, query);
        assertThat(a.headers().firstValue("X-Cache")).hasValue("MISS");
        await().atMost(Duration.ofSeconds(10)).until(() -> store(0).at("/flights/flights_led").asLong() == 1);
        HttpResponse<String> b = gw.get(1, query);
        assertThat(b.headers().firstValue("X-Cache")).as("from the shared tier").hasValue("HIT");
        assertThat(b.body()).isEqualTo(a.body());
        assertThat(cachedCalls).hasValue(1);

        HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.uri(1, "/api/v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"telemetry-data\"}"))
                .timeout(Duration.ofSeconds(30)).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String id = JSON.readTree(r.body()).get("ids").get(0).asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> delivered.contains(id));
        assertThat(store(0).get("fallback_decisions").asLong()).as("all decided in Redis").isZero();

        // the password: not in /health, the log, the effective config, nor does it move the hash
        for (int i = 0; i < 2; i++) {
            assertThat(gw.admin(i, "/health").body()).doesNotContain(PASSWORD);
            assertThat(gw.admin(i, "/metrics").body()).doesNotContain(PASSWORD);
        }
        assertThat(logged.list).isNotEmpty();
        for (ILoggingEvent e : logged.list) {
            assertThat(e.getFormattedMessage()).doesNotContain(PASSWORD);
            if (e.getThrowableProxy() != null) {
                assertThat(e.getThrowableProxy().getMessage()).doesNotContain(PASSWORD);
            }
        }
        String yaml = config(REDIS.url(), "levee", CERTS.caCert().toString()).replace("${upstream}", gw.upstreamUrl());
        var loaded = ConfigLoader.loadEffective(yaml, Map.of("LEVEE_STORE_REDIS_PASSWORD", PASSWORD));
        assertThat(loaded.redactedYaml()).doesNotContain(PASSWORD).contains("password: <redacted>");
        assertThat(loaded.config().toString()).doesNotContain(PASSWORD);
        assertThat(loaded.hash()).isEqualTo(EffectiveConfig.hash(ConfigLoader.load(yaml,
                Map.of("LEVEE_STORE_REDIS_PASSWORD", "another-password"))));
    }
}
