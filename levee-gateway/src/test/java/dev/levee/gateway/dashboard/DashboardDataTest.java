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
package dev.levee.gateway.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.core.time.ManualTicker;
import dev.levee.gateway.admission.AdmissionFeature;
import dev.levee.gateway.readpath.ReadPathFeature;
import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /dashboard/data} on a manual clock: rates are counter deltas over the real interval between samples, the
 * history holds exactly 5 minutes, {@code since} returns only newer samples, and the page and its assets are served
 * without authentication or admission, self-contained.
 */
class DashboardDataTest {
    private static final String SECRET = "dashboard-data-secret-0123456789abcdef";
    private final ManualTicker time = new ManualTicker();
    private final ObjectMapper json = new ObjectMapper();

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.get("/api/odds").handler(ctx -> ctx.end("{\"odds\":1}")))
            .config("""
                    auth: { jwt: { hmac-secret: "%s" } }
                    admin: { token: "admin-secret" }
                    routes:
                      - path: /api/odds
                        public: true
                        coalesce: {}
                        breaker: {}
                    """.formatted(SECRET))
            .ticker(time)
            .scheduler(time)
            .features(List.of(AdmissionFeature::new, ReadPathFeature::new, DashboardFeature::new))
            .build();

    private JsonNode data(String query) throws Exception {
        HttpResponse<String> r = gw.admin("/dashboard/data" + query);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private void reads(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            assertThat(gw.get("/api/odds?fixture_id=" + i).statusCode()).isEqualTo(200);
        }
    }

    private static JsonNode browser(JsonNode sample) {
        for (JsonNode c : sample.get("classes")) {
            if (c.get("name").asText().equals("browser")) {
                return c;
            }
        }
        throw new AssertionError("no browser class in " + sample);
    }

    @Test
    void ratesAreCounterDeltasOverTheInterval() throws Exception {
        time.advance(Duration.ofSeconds(1)); // sample 1: the baseline
        reads(10);
        time.advance(Duration.ofSeconds(1)); // sample 2: 10 in 1 s
        time.advance(Duration.ofSeconds(1)); // sample 3: nothing
        reads(6);
        time.advance(Duration.ofSeconds(1)); // sample 4: 6 in 1 s

        JsonNode body = data("?since=1");
        JsonNode samples = body.get("samples");
        assertThat(samples).hasSize(3);
        assertThat(samples.get(0).get("seq").asLong()).isEqualTo(2);
        assertThat(browser(samples.get(0)).get("admitted_per_second").asDouble()).isEqualTo(10.0);
        assertThat(browser(samples.get(1)).get("admitted_per_second").asDouble()).isEqualTo(0.0);
        assertThat(browser(samples.get(2)).get("admitted_per_second").asDouble()).isEqualTo(6.0);
        // nobody waited (permits free): p99 is the first bucket of the wait histogram, 1 ms; no admission, no p99
        assertThat(browser(samples.get(0)).get("wait_p99_ms").asDouble()).isEqualTo(1.0);
        assertThat(browser(samples.get(1)).get("wait_p99_ms").isNull()).isTrue();
        assertThat(samples.get(0).at("/coalescer/requests_per_second").asDouble()).isEqualTo(10.0);
        assertThat(samples.get(0).at("/coalescer/calls_per_second").asDouble()).isEqualTo(10.0);
        assertThat(samples.get(0).at("/coalescer/hit_rate_percent").asDouble()).isEqualTo(0.0);
        assertThat(samples.get(1).at("/coalescer/hit_rate_percent").isNull())
                .as("no callers in the interval: no hit rate rather than 0 %").isTrue();
        assertThat(samples.get(0).at("/breakers/~1api~1odds").asText()).isEqualTo("CLOSED");
        assertThat(body.at("/current/admission/max_concurrent").asInt()).isEqualTo(500);
        assertThat(body.at("/current/coalescer/api_calls_made").asLong()).isEqualTo(16);
        assertThat(body.at("/current/breakers/0/state").asText()).isEqualTo("CLOSED");
        assertThat(body.get("current").has("events")).as("no events feature, no events block").isFalse();
    }

    @Test
    void aStatsResetGivesZeroNotANegativeRate() throws Exception {
        time.advance(Duration.ofSeconds(1));
        reads(5);
        time.advance(Duration.ofSeconds(1));
        HttpResponse<String> reset = gw.send(java.net.http.HttpRequest.newBuilder(
                        gw.adminUri("/api/v1/shared/deduplication/stats/reset"))
                .header("Authorization", "Bearer admin-secret")
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertThat(reset.statusCode()).isEqualTo(200);
        time.advance(Duration.ofSeconds(1));
        JsonNode last = data("?since=2").get("samples").get(0);
        assertThat(last.at("/coalescer/requests_per_second").asDouble()).isEqualTo(0.0);
        assertThat(last.at("/coalescer/calls_per_second").asDouble()).isEqualTo(0.0);
    }

    @Test
    void historyHoldsFiveMinutesAndSinceReturnsOnlyNewer() throws Exception {
        for (int i = 0; i < 310; i++) {
            time.advance(Duration.ofSeconds(1));
        }
        JsonNode all = data("");
        assertThat(all.get("samples")).hasSize(300);
        assertThat(all.get("samples").get(0).get("seq").asLong()).isEqualTo(11);
        assertThat(all.get("latest_seq").asLong()).isEqualTo(310);
        assertThat(all.get("history_size").asInt()).isEqualTo(300);
        assertThat(data("?since=308").get("samples")).extracting(s -> s.get("seq").asLong()).containsExactly(309L, 310L);
        assertThat(data("?since=310").get("samples")).isEmpty();
        assertThat(gw.admin("/health").body()).contains("\"dashboard\":{\"status\":\"UP\",\"samples\":300");

        HttpResponse<String> bad = gw.admin("/dashboard/data?since=yesterday");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json.readTree(bad.body()).get("error").asText()).contains("since: yesterday");
    }

    @Test
    void pageAndAssetsBypassAuthenticationAndLoadNothingFromElsewhere() throws Exception {
        String badToken = "Bearer not-a-jwt";
        assertThat(gw.get("/api/odds", "Authorization", badToken).statusCode())
                .as("an admitted path checks the token").isEqualTo(401);
        HttpResponse<String> page = gw.admin("/dashboard", "Authorization", badToken);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(DashboardFeature.CSP);
        Matcher refs = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(page.body());
        int n = 0;
        while (refs.find()) {
            assertThat(refs.group(1)).as("a reference in the page").matches("/[^/].*|data:.*");
            n++;
        }
        assertThat(n).isGreaterThanOrEqualTo(3);
        for (String asset : List.of("/dashboard/dashboard.js", "/dashboard/dashboard.css", "/dashboard/data")) {
            HttpResponse<String> r = gw.admin(asset, "Authorization", badToken);
            assertThat(r.statusCode()).as(asset).isEqualTo(200);
            // the SVG namespace is a name, not something fetched
            assertThat(r.body().replace("http://www.w3.org/2000/svg", "")).as(asset)
                    .doesNotContain("http://", "https://", "//cdn", "@import");
        }
        assertThat(gw.admin("/dashboard/nothing").statusCode()).as("unknown dashboard path: 404, never proxied")
                .isEqualTo(404);
    }
}
