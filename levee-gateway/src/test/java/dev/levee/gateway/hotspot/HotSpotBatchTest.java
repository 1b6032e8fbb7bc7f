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
package dev.levee.gateway.hotspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.readpath.ReadPathFeature;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batched upstream call names several fixtures; the upstream charges each of them one call of its quota, so the
 * hot-spot window must count it once for every key it carries, not once for the first. The batcher sits below the
 * read path's hot-spot window: each request's load spends its own fixture's slot before it joins a batch.
 */
class HotSpotBatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger upstreamCalls = new AtomicInteger();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.get("/odds").handler(ctx -> {
                upstreamCalls.incrementAndGet();
                JsonArray data = new JsonArray();
                for (String id : ctx.queryParam("fixture_id")) {
                    data.add(new JsonObject().put("fixture_id", Integer.parseInt(id)));
                }
                ctx.response().putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("data", data).encode());
            }))
            .features(List.of(HotSpotFeature::new, ReadPathFeature::new))
            .config("""
                    routes:
                      - path: /odds
                        coalesce: true
                        batch: { param: fixture_id, max: 5, window: 300ms, split-by: "data[].fixture_id" }
                        hot-spot: { key: "query:fixture_id", limit: 2, window: 60s, queue: 0 }
                    """)
            .build();

    private List<HttpResponse<String>> batchOfFive(String market) {
        List<CompletableFuture<HttpResponse<String>>> rs = new ArrayList<>();
        for (int id = 1; id <= 5; id++) {
            rs.add(gw.http().sendAsync(HttpRequest.newBuilder(gw.uri("/odds?market=" + market + "&fixture_id=" + id))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        return rs.stream().map(CompletableFuture::join).toList();
    }

    @Test
    void everyKeyOfABatchedCallSpendsOneSlotOfItsWindow() throws Exception {
        assertThat(batchOfFive("a")).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        assertThat(upstreamCalls.get()).isEqualTo(1);
        JsonNode totals = JSON.readTree(gw.admin("/health/hot-spots").body()).get("totals");
        assertThat(totals.get("calls_in_window").asInt()).as("one call per fixture in the batch").isEqualTo(5);

        assertThat(batchOfFive("b")).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        assertThat(upstreamCalls.get()).isEqualTo(2);

        // every fixture has now used its 2 calls: each request of the next batch is refused before it joins one,
        // and nothing reaches the upstream
        List<HttpResponse<String>> third = batchOfFive("c");
        assertThat(third).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(JSON.readTree(r.body()).get("error").asText()).isEqualTo("Too many requests for this resource");
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
        });
        assertThat(upstreamCalls.get()).isEqualTo(2);
        assertThat(JSON.readTree(gw.admin("/health/hot-spots").body()).get("totals").get("calls_in_window").asInt())
                .as("refused requests spend no slot").isEqualTo(10);
    }
}
