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
package dev.levee.gateway.ops;

import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The ops surface lives on the admin listener; the public port serves it only with the admin token. */
class AdminListenerTest {
    private static final List<String> OPS = List.of("/health", "/health/events", "/metrics",
            "/api/v1/metrics/prometheus", "/dashboard", "/dashboard/data", "/docs/openapi.json",
            "/api/v1/metrics/queue", "/api/v1/shared/deduplication/stats", "/metrics/");

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.route().handler(ctx -> ctx.end("upstream " + ctx.request().path())))
            .config("""
                    admin: { token: "the-admin-token" }
                    routes:
                      - path: /cached
                        cache: { fresh: 5s, stale: 60s }
                    """)
            .build();

    @Test
    void theAdminListenerServesTheOpsSurfaceToAnyone() throws Exception {
        assertThat(gw.adminPort()).isPositive().isNotEqualTo(gw.port());
        for (String path : OPS) {
            assertThat(gw.admin(path).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void thePublicPortServesItOnlyWithTheAdminToken() throws Exception {
        for (String path : OPS) {
            assertThat(gw.get(path).statusCode()).as(path + " without a token").isEqualTo(401);
            assertThat(gw.get(path, "Authorization", "Bearer the-admin-tokeN").statusCode()).as(path).isEqualTo(403);
            assertThat(gw.get(path, "Authorization", "Bearer the-admin-token").statusCode()).as(path).isEqualTo(200);
        }
        assertThat(gw.get("/metrics").body()).doesNotContain("levee_").contains("Admin token required");
    }

    @Test
    void probesArePublicEverywhere() throws Exception {
        for (String path : List.of("/health/liveness", "/health/readiness", "/api/v1/health/readiness")) {
            assertThat(gw.get(path).statusCode()).as(path).isEqualTo(200);
            assertThat(gw.admin(path).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void theAdminListenerIsNoWayToTheUpstream() throws Exception {
        assertThat(gw.get("/cached").body()).isEqualTo("upstream /cached");
        assertThat(gw.admin("/cached").statusCode()).isEqualTo(404);
        assertThat(gw.admin("/anything").statusCode()).isEqualTo(404);
    }

    @Test
    void requestsOnBothListenersAreCountedUnderTheirOwnLabels() throws Exception {
        gw.admin("/health");
        gw.get("/elsewhere");
        String metrics = gw.admin("/metrics").body();
        assertThat(metrics).contains("levee_http_requests_seconds_count{route=\"/health\",status=\"2xx\"}")
                .contains("levee_http_requests_seconds_count{route=\"proxy\",status=\"2xx\"}");
    }

    @Test
    void theDefaultListenerIsTheLoopbackOnPort9901() {
        var admin = ConfigLoader.load(Map.of()).admin();
        assertThat(admin.listen()).isTrue();
        assertThat(admin.host()).isEqualTo("127.0.0.1");
        assertThat(admin.port()).isEqualTo(9901);
        assertThat(admin.token()).isNull();
    }

    @Nested
    class WithoutTheListener {
        @RegisterExtension
        final GatewayExtension only = GatewayExtension.builder()
                .config("admin: { listen: false, token: t0k3n }")
                .build();

        @Test
        void theOpsSurfaceIsOnThePublicPortWithTheToken() throws Exception {
            assertThat(only.gateway().adminPort()).isEqualTo(-1);
            assertThat(only.get("/health").statusCode()).isEqualTo(401);
            assertThat(only.get("/health", "Authorization", "Bearer t0k3n").statusCode()).isEqualTo(200);
            assertThat(only.get("/health/liveness").statusCode()).isEqualTo(200);
        }
    }
}
