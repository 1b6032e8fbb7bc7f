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
package dev.levee.gateway.readpath;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The deduplication endpoints, /health sections and metrics, through the real gateway with every feature. */
class ReadPathEndpointsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HeldUpstream upstream = new HeldUpstream();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> upstream.mount(r, "/api"))
            .config("""
                    admin: { token: "secret-admin" }
                    routes:
                      - path: /api/odds
                        cache: { fresh: 5s }
                        coalesce: { max-wait: 5s }
                        breaker: true
                    """)
            .build();

    private HttpResponse<String> post(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gw.uri(path)).POST(HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return gw.send(b.build());
    }

    @Test
    void statsHealthAndResetEndpoints() throws Exception {
        gw.get("/api/odds?t=stats");
        gw.get("/api/odds?t=stats");
        JsonNode stats = JSON.readTree(gw.admin(ReadPathFeature.STATS_PATH).body());
        for (String field : List.of("total_requests", "coalesced_requests", "api_calls_made", "api_calls_saved",
                "hit_rate_percent", "avg_wait_time_ms", "max_concurrent_waiters", "pending_keys", "status")) {
            assertThat(stats.has(field)).as(field).isTrue();
        }
        assertThat(stats.get("api_calls_made").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(stats.at("/routes/~1api~1odds/max_wait_seconds").asDouble()).isEqualTo(5.0);
        assertThat(stats.get("status").asText()).isIn("healthy", "warning", "degraded");

        HttpResponse<String> health = gw.admin(ReadPathFeature.DEDUP_HEALTH_PATH);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("healthy");

        HttpResponse<String> section = gw.admin(ReadPathFeature.HEALTH_PATH);
        assertThat(section.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(section.body()).get("status").asText()).isEqualTo("healthy");
        assertThat(JSON.readTree(section.body()).has("api_calls_saved")).isTrue();

        assertThat(post(ReadPathFeature.RESET_PATH).statusCode()).isEqualTo(401);
        assertThat(post(ReadPathFeature.RESET_PATH, "Authorization", "Bearer wrong").statusCode()).isEqualTo(403);
        assertThat(post(ReadPathFeature.RESET_PATH, "Authorization", "Bearer secret-admin").statusCode())
                .isEqualTo(200);
        assertThat(JSON.readTree(gw.admin(ReadPathFeature.STATS_PATH).body()).get("total_requests").asLong()).isZero();
    }

    @Test
    void healthHasAReadPathSectionAndMetricsAreExported() throws Exception {
        gw.get("/api/odds?t=metrics");
        JsonNode health = JSON.readTree(gw.admin("/health").body());
        JsonNode section = health.at("/components/read_path");
        assertThat(section.get("status").asText()).isEqualTo("UP");
        assertThat(section.at("/breaker/~1api~1odds/state").asText()).isEqualTo("CLOSED");
        assertThat(section.at("/cache/~1api~1odds/entries").asLong()).isGreaterThanOrEqualTo(1);
        String metrics = gw.admin("/metrics").body();
        assertThat(metrics)
                .contains("levee_coalescer_requests_total{route=\"/api/odds\"}")
                .contains("levee_coalescer_api_calls_total{route=\"/api/odds\"}")
                .contains("levee_coalescer_pending_keys{route=\"/api/odds\"}")
                .contains("levee_cache_requests_total{result=\"miss\",route=\"/api/odds\"}")
                .contains("levee_cache_entries{route=\"/api/odds\"}")
                .contains("levee_breaker_state{route=\"/api/odds\",state=\"closed\"} 1.0")
                .contains("levee_breaker_calls_total{outcome=\"success\",route=\"/api/odds\"}");
        assertThat(metrics).doesNotContain("t=metrics");
    }
}
