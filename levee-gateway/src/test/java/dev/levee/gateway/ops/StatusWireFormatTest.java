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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.testing.GatewayExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pins the wire format of every status document (health sections, stats, queue metrics, dead letters, dashboard
 * data, and the answers of the stats resets and the dead-letter replay): for each endpoint the set of field paths and the JSON type of each value, compared with the golden list
 * {@code status-wire-format.txt} next to this class. A refactor that renames, drops or retypes a field (a double
 * that became an int, seconds that became a string) fails here; a deliberate change updates the golden file
 * (run with {@code -Dlevee.golden.update=true} and review the diff).
 *
 * <p>Arrays are merged: {@code top[].key} is a field of any element. Map keys that come from the config (route
 * paths, class names) are part of the path, so the config below is part of the contract of this test.
 */
class StatusWireFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GOLDEN = "status-wire-format.txt";
    private static final String ADMIN = "Bearer wire-secret";

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> {
                r.get("/api/odds").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                        .putHeader("Cache-Control", "max-age=60").end("{\"odds\":1}"));
                r.get("/api/fixtures").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("data", new JsonArray().add(new JsonObject()
                                .put("fixture_id", "f1").put("league", "NFL").put("home_team", "Jets")
                                .put("away_team", "Giants").put("major_event", true)
                                .put("start_time", Instant.now().plus(Duration.ofMinutes(5)).toString()))).encode()));
                r.post("/ingest").handler(ctx -> ctx.response().setStatusCode(500).end());
            })
            .config("""
                    admin: { token: "wire-secret" }
                    routes:
                      - path: /api/odds
                        public: true
                        coalesce: {}
                        cache: {}
                        breaker: {}
                        hot-spot: { key: "query:fixture_id", limit: 100, window: 60s, queue: 10, max-wait: 1s }
                    hot-spots:
                      warming:
                        enabled: true
                        fixtures-path: /api/fixtures
                        poll-interval: 60s
                        warm-before: 15m
                        event-duration: 2h
                        refresh-interval: 60s
                        paths: ["/api/odds?fixture_id={fixture_id}"]
                        major: { upstream-flag: true }
                    events:
                      sink: "${upstream}/ingest"
                      max-attempts: 1
                      backoff-base: 10ms
                      backoff-max: 20ms
                    """)
            .build();

    /** The endpoints whose documents are pinned, in the order of the golden file. */
    private static final List<String> ENDPOINTS = List.of(
            "/health",
            "/health/liveness",
            "/health/readiness",
            "/health/backpressure",
            "/health/coalescer",
            "/health/events",
            "/health/hot-spots",
            "/api/v1/shared/deduplication/stats",
            "/api/v1/shared/deduplication/health",
            "/api/v1/metrics/queue",
            "/api/v1/metrics/queue/summary",
            "/api/v1/events/dead-letters",
            "/dashboard/data");

    /** Admin actions whose answers are status documents too; run after the reads (they reset and replay). */
    private static final List<String> ACTIONS = List.of(
            "/api/v1/shared/deduplication/stats/reset",
            "/api/v1/metrics/backpressure/reset",
            "/api/v1/events/dead-letters/replay");

    @Test
    void everyStatusDocumentKeepsItsFieldNamesAndTypes() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(gw.get("/api/odds?fixture_id=k" + i).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> posted = gw.send(HttpRequest.newBuilder(gw.uri("/api/v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"bet\",\"payload\":{\"a\":1}}")).build());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> doc("/api/v1/metrics/queue").get("dead_letters").asInt() == 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode w = doc("/health/hot-spots").at("/warming");
            assertThat(w.at("/events/0/fixture_id").isTextual() && w.at("/last_poll_at").isTextual())
                    .as(w.toString()).isTrue();
        });
        // two dashboard samples, so rates and the interval p99 have values
        await().atMost(Duration.ofSeconds(10)).until(() -> doc("/dashboard/data").get("samples").size() >= 2);

        StringBuilder actual = new StringBuilder();
        for (String endpoint : ENDPOINTS) {
            actual.append("GET ").append(endpoint).append('\n');
            for (Map.Entry<String, String> e : shape(doc(endpoint)).entrySet()) {
                actual.append("  ").append(e.getKey()).append(' ').append(e.getValue()).append('\n');
            }
        }
        for (String action : ACTIONS) {
            HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.adminUri(action))
                    .header("Authorization", ADMIN).POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(r.statusCode()).as(action + ": " + r.body()).isEqualTo(200);
            actual.append("POST ").append(action).append('\n');
            for (Map.Entry<String, String> e : shape(JSON.readTree(r.body())).entrySet()) {
                actual.append("  ").append(e.getKey()).append(' ').append(e.getValue()).append('\n');
            }
        }
        if (Boolean.getBoolean("levee.golden.update")) { // run from the module directory, as Maven does
            Files.writeString(Path.of("src/test/resources/dev/levee/gateway/ops", GOLDEN), actual.toString());
            return;
        }
        String expected;
        try (var in = StatusWireFormatTest.class.getResourceAsStream(GOLDEN)) {
            assertThat(in).as("golden file " + GOLDEN).isNotNull();
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> want = normalized(expected);
        Map<String, String> got = normalized(actual.toString());
        for (Map.Entry<String, String> e : want.entrySet()) {
            if (got.containsKey(e.getKey()) && (e.getValue().equals("any") || got.get(e.getKey()).equals("any"))) {
                e.setValue("any");
                got.put(e.getKey(), "any");
            }
        }
        assertThat(render(got)).isEqualTo(render(want));
    }

    /**
     * Each line as "document field" to its types. A value that was null in one run may have a value in another (a
     * rate over an interval without traffic, a time not reached yet), so {@code null} is dropped from a type list
     * and a field seen only as null is {@code any}, which matches every type. Field names compare exactly.
     */
    private static Map<String, String> normalized(String shapes) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        String document = "";
        for (String line : shapes.split("\n")) {
            if (!line.startsWith("  ")) {
                document = line;
                out.put(document, "");
                continue;
            }
            int space = line.lastIndexOf(' ');
            List<String> types = new java.util.ArrayList<>(List.of(line.substring(space + 1).split("\\|")));
            types.remove("null");
            out.put(document + " " + line.substring(2, space), types.isEmpty() ? "any" : String.join("|", types));
        }
        return out;
    }

    private static String render(Map<String, String> shapes) {
        StringBuilder out = new StringBuilder();
        shapes.forEach((k, v) -> out.append(k).append(v.isEmpty() ? "" : " " + v).append('\n'));
        return out.toString();
    }

    private JsonNode doc(String path) throws Exception {
        HttpResponse<String> r = gw.admin(path, "Authorization", ADMIN);
        assertThat(r.headers().firstValue("Content-Type")).as(path).hasValue("application/json");
        return JSON.readTree(r.body());
    }

    /** Field path to JSON type; arrays merged under {@code []}, a path seen with several types lists them all. */
    static Map<String, String> shape(JsonNode root) {
        Map<String, TreeSet<String>> out = new TreeMap<>();
        walk("", root, out);
        Map<String, String> flat = new TreeMap<>();
        out.forEach((k, v) -> flat.put(k, String.join("|", v)));
        return flat;
    }

    private static void walk(String path, JsonNode n, Map<String, TreeSet<String>> out) {
        if (n.isObject()) {
            if (!path.isEmpty()) {
                out.computeIfAbsent(path, k -> new TreeSet<>()).add("object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                walk(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), out);
            }
        } else if (n.isArray()) {
            out.computeIfAbsent(path, k -> new TreeSet<>()).add("array");
            for (JsonNode e : n) {
                walk(path + "[]", e, out);
            }
        } else {
            out.computeIfAbsent(path, k -> new TreeSet<>()).add(type(n));
        }
    }

    private static String type(JsonNode n) {
        if (n.isNull()) {
            return "null";
        }
        if (n.isBoolean()) {
            return "bool";
        }
        if (n.isIntegralNumber()) {
            return "int";
        }
        if (n.isNumber()) {
            return "float";
        }
        return "string";
    }

}
