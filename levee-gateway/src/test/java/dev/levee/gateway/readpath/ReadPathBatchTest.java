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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batching through the real gateway: the upstream answers {@code {"source":..., "data":[{fixture_id, price}...]}}
 * for every {@code fixture_id} asked, except 404 (which it leaves out).
 */
class ReadPathBatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Queue<String> upstreamUris = new ConcurrentLinkedQueue<>();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.get("/api/fixtures/odds").handler(ctx -> {
                upstreamUris.add(ctx.request().uri());
                JsonArray data = new JsonArray();
                for (String id : ctx.queryParam("fixture_id")) {
                    if (!id.equals("404")) {
                        data.add(new JsonObject().put("fixture_id", Integer.parseInt(id)).put("price", 1.5 + id.length()));
                    }
                }
                ctx.response().putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("source", "feed").put("data", data).encode());
            }))
            .features(List.of(ReadPathFeature::new))
            .config("""
                    routes:
                      - path: /api/fixtures/odds
                        coalesce: true
                        batch: { param: fixture_id, max: 5, window: 300ms, split-by: "data[].fixture_id" }
                    """)
            .build();

    private CompletableFuture<HttpResponse<String>> async(String uri) {
        return gw.http().sendAsync(HttpRequest.newBuilder(gw.uri(uri)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void concurrentKeysBecomeOneUpstreamCallSplitBackPerKey() throws Exception {
        upstreamUris.clear();
        List<CompletableFuture<HttpResponse<String>>> rs = new ArrayList<>();
        for (int id = 1; id <= 5; id++) {
            rs.add(async("/api/fixtures/odds?market=1x2&fixture_id=" + id));
        }
        for (int id = 1; id <= 5; id++) {
            HttpResponse<String> r = rs.get(id - 1).join();
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.get("source").asText()).isEqualTo("feed");
            assertThat(body.get("data")).hasSize(1);
            assertThat(body.get("data").get(0).get("fixture_id").asInt()).isEqualTo(id);
        }
        assertThat(upstreamUris).hasSize(1);
        String sent = upstreamUris.peek();
        assertThat(sent).startsWith("/api/fixtures/odds?market=1x2&fixture_id=");
        assertThat(sent.split("fixture_id=")).hasSize(6);
    }

    @Test
    void aBatchIsSentAtMaxAndTheRestWithinTheWindow() {
        upstreamUris.clear();
        List<CompletableFuture<HttpResponse<String>>> rs = new ArrayList<>();
        for (int id = 11; id <= 17; id++) {
            rs.add(async("/api/fixtures/odds?fixture_id=" + id));
        }
        rs.forEach(f -> assertThat(f.join().statusCode()).isEqualTo(200));
        assertThat(upstreamUris).hasSize(2);
        assertThat(upstreamUris.stream().mapToInt(u -> u.split("fixture_id=").length - 1).sum()).isEqualTo(7);
    }

    @Test
    void aKeyMissingFromTheAnswerFailsExplicitlyAndTheOthersSucceed() throws Exception {
        var missing = async("/api/fixtures/odds?fixture_id=404");
        var present = async("/api/fixtures/odds?fixture_id=21");
        HttpResponse<String> m = missing.join();
        assertThat(m.statusCode()).isEqualTo(502);
        JsonNode err = JSON.readTree(m.body());
        assertThat(err.get("error").asText()).isEqualTo("Upstream batch response has no entry for the key");
        assertThat(err.get("fixture_id").asText()).isEqualTo("404");
        assertThat(present.join().statusCode()).isEqualTo(200);
    }

    @Test
    void aLoneRequestIsSentAfterTheWindow() throws Exception {
        HttpResponse<String> r = gw.get("/api/fixtures/odds?fixture_id=31");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("data").get(0).get("fixture_id").asInt()).isEqualTo(31);
    }
}
