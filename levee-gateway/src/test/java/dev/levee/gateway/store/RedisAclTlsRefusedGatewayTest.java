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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.testing.GatewayExtension;
import dev.levee.testing.RedisProcess;
import dev.levee.testing.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The same ACL + TLS redis-server as {@link RedisAclTlsGatewayTest}, reached with a wrong password and, by another
 * gateway, trusting another CA: neither gateway crashes; each serves on its local fallback (hot-spot limit / 2 per
 * instance, events refused with 503) and its store section is DEGRADED and says why, without the password.
 */
class RedisAclTlsRefusedGatewayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LIMIT = 4;
    static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();
    static final String PASSWORD = "levee-pw-" + UUID.randomUUID();
    static final String WRONG = "wrong-pw-" + UUID.randomUUID();
    static final TestCertificates CERTS = TestCertificates.generate("trusted");
    static final TestCertificates OTHER_CA = TestCertificates.generate("unknown");

    @RegisterExtension
    @Order(1)
    static final RedisProcess REDIS = RedisProcess.onFreePort("--requirepass", ADMIN_PASSWORD).tls(CERTS);

    @BeforeAll
    static void createTheAclUser() {
        RedisAclTlsGatewayTest.aclSetUser(REDIS, ADMIN_PASSWORD, CERTS, "levee", PASSWORD);
    }

    private static GatewayExtension gateway(String password, TestCertificates trusted) {
        return GatewayExtension.builder()
                .upstream(r -> {
                    r.get("/odds").handler(ctx -> ctx.end("{\"odds\":1.5}"));
                    r.post("/ingest").handler(ctx -> ctx.request().body().onSuccess(b -> ctx.response().end()));
                })
                .env(Map.of("LEVEE_STORE_REDIS_PASSWORD", password))
                .config(RedisAclTlsGatewayTest.config(REDIS.url(), "levee", trusted.caCert().toString())
                        .replace("limit: 3", "limit: " + LIMIT))
                .build();
    }

    @RegisterExtension
    @Order(2)
    final GatewayExtension wrongPassword = gateway(WRONG, CERTS);

    @RegisterExtension
    @Order(3)
    final GatewayExtension unknownCa = gateway(PASSWORD, OTHER_CA);

    @Test
    void aWrongPasswordOrAnUntrustedCertificateIsDegradedWithTheReasonAndTheLocalFallback() throws Exception {
        check(wrongPassword, "authentication failed: WRONGPASS");
        check(unknownCa, "TLS handshake failed: ");
    }

    private static void check(GatewayExtension gw, String reason) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> store(gw).has("error"));
        JsonNode s = store(gw);
        assertThat(s.get("status").asText()).isEqualTo("DEGRADED");
        assertThat(s.get("connected").asBoolean()).isFalse();
        assertThat(s.get("error").asText()).startsWith(reason);

        String fixture = UUID.randomUUID().toString();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 2 * LIMIT; i++) {
            statuses.add(gw.get("/odds?fixture_id=" + fixture).statusCode());
        }
        assertThat(statuses).as("the local share: limit / expected-instances").filteredOn(c -> c == 200)
                .hasSize(LIMIT / 2);
        assertThat(statuses).filteredOn(c -> c == 429).hasSize(2 * LIMIT - LIMIT / 2);
        HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.uri("/api/v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"telemetry-data\"}"))
                .timeout(Duration.ofSeconds(30)).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);

        JsonNode after = store(gw);
        assertThat(after.get("status").asText()).isEqualTo("DEGRADED");
        assertThat(after.get("hot_spot_windows").asText()).startsWith("local fallback");
        assertThat(after.get("fallback_decisions").asLong()).isPositive();
        String health = gw.admin("/health").body();
        assertThat(health).doesNotContain(PASSWORD).doesNotContain(WRONG);
    }

    private static JsonNode store(GatewayExtension gw) throws Exception {
        return JSON.readTree(gw.admin("/health").body()).at("/components/store");
    }
}
