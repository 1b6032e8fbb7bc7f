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
import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /docs/openapi.json} against the routes a gateway with every feature really has
 * ({@code GatewayServer.routePaths()}, i.e. the router's exact-path routes), in both directions, and against what
 * those endpoints answer.
 */
class OpenApiTest {
    private static final String SECRET = "openapi-test-secret-0123456789abcdefgh";
    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch", "head", "options");

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .config("""
                    auth: { jwt: { hmac-secret: "%s" } }
                    admin: { token: "admin-secret" }
                    routes:
                      - path: /api/v3/fixtures/odds
                        public: true
                        cache: {}
                        coalesce: {}
                        hot-spot: {}
                        breaker: {}
                    """.formatted(SECRET))
            .build();

    private final ObjectMapper json = new ObjectMapper();

    private JsonNode spec() throws Exception {
        // a token that fails verification: any admitted path answers 401, an ops path does not look at it
        HttpResponse<String> r = gw.admin("/docs/openapi.json", "Authorization", "Bearer not-a-jwt");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        return json.readTree(r.body());
    }

    private static Set<String> documented(JsonNode spec) {
        Set<String> out = new TreeSet<>();
        spec.get("paths").properties().forEach(p -> p.getValue().fieldNames().forEachRemaining(m -> {
            if (METHODS.contains(m)) {
                out.add(m.toUpperCase() + " " + p.getKey());
            }
        }));
        return out;
    }

    @Test
    void describesExactlyTheRoutesTheServerHas() throws Exception {
        JsonNode spec = spec();
        assertThat(spec.get("openapi").asText()).isEqualTo("3.1.0");
        Set<String> documented = documented(spec);
        Set<String> actual = new TreeSet<>(gw.gateway().routePaths());

        assertThat(actual).as("the gateway has concrete routes").contains("GET /health", "POST /api/v1/events",
                "GET /dashboard", "GET /docs/openapi.json", "GET /health/hot-spots");
        assertThat(actual).as("routes the server has but the document lacks")
                .allMatch(documented::contains, "documented");
        assertThat(documented).as("documented operations the server does not have")
                .allMatch(actual::contains, "routed");
    }

    @Test
    void everyReferenceResolvesAndErrorsShareOneSchema() throws Exception {
        JsonNode spec = spec();
        List<String> refs = new ArrayList<>();
        collectRefs(spec, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/");
            assertThat(spec.at(ref.substring(1)).isMissingNode()).as("unresolved %s", ref).isFalse();
        }
        JsonNode error = spec.at("/components/schemas/Error");
        assertThat(error.get("required")).extracting(JsonNode::asText).containsExactly("error");
        assertThat(spec.at("/components/schemas/Error/properties/retry_after").isObject()).isTrue();
    }

    @Test
    void everyDocumentedGetAnswersWithADocumentedStatus() throws Exception {
        JsonNode spec = spec();
        Iterator<Map.Entry<String, JsonNode>> it = spec.get("paths").fields();
        int checked = 0;
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> p = it.next();
            JsonNode get = p.getValue().get("get");
            if (get == null) {
                continue;
            }
            HttpResponse<String> r = gw.admin(p.getKey());
            assertThat(get.get("responses").has(Integer.toString(r.statusCode())))
                    .as("GET %s answered %d, documented %s", p.getKey(), r.statusCode(), get.get("responses").fieldNames())
                    .isTrue();
            checked++;
        }
        assertThat(checked).isGreaterThan(15);
        // and a POST with a body matches its schema's answer
        HttpResponse<String> ingest = gw.send(HttpRequest.newBuilder(gw.uri("/api/v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"telemetry-data\",\"payload\":{}}")).build());
        assertThat(ingest.statusCode()).isEqualTo(202);
        assertThat(json.readTree(ingest.body()).get("accepted").asInt()).isEqualTo(1);
    }

    private static void collectRefs(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getKey().equals("$ref")) {
                    out.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, out));
        }
    }
}
