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
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operations pack in {@code deploy/} (Grafana dashboard, Prometheus alert rules) against a running gateway
 * with every feature: every metric a PromQL expression names is exported by {@code /metrics} after some traffic,
 * under exactly that name (a {@code _bucket}/{@code _count}/{@code _sum}/{@code _total} name must be a sample
 * name of the scrape, not just share a prefix with a family), and every literal label matcher
 * ({@code class="agent"}, {@code state="open"}, {@code level="critical"}) matches a series that exists.
 */
class DeployPackTest {
    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final Pattern METRIC = Pattern.compile("levee_[a-z0-9_]+");
    private static final Pattern SELECTOR = Pattern.compile("(levee_[a-z0-9_]+)\\{([^}]*)}");
    private static final Pattern EQ_MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*=\\s*\"([^\"]*)\"");
    private static final String ODDS = "/api/v3/fixtures/odds";

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> {
                r.get(ODDS).handler(ctx -> ctx.end("{\"odds\":[1.5]}"));
                r.post("/ingest").handler(ctx -> ctx.response().setStatusCode(204).end());
            })
            .config("""
                    routes:
                      - path: %s
                        public: true
                        cache: {}
                        coalesce: {}
                        hot-spot: {}
                        breaker: {}
                    events: { sink: "${upstream}/ingest" }
                    hot-spots: { metrics-refresh: 200ms }
                    """.formatted(ODDS))
            .build();

    private static JsonNode read(Path file, ObjectMapper mapper) throws Exception {
        assertThat(file).as("deploy pack file").exists();
        return mapper.readTree(file.toFile());
    }

    /** Every PromQL expression of the Grafana dashboard: panel targets (rows nest panels) and template queries. */
    static List<String> grafanaExpressions(JsonNode dashboard) {
        List<String> out = new ArrayList<>();
        collectPanels(dashboard.get("panels"), out);
        for (JsonNode v : dashboard.path("templating").path("list")) {
            JsonNode q = v.get("query");
            if (q != null && q.isObject() && q.has("query")) {
                out.add(q.get("query").asText());
            } else if (q != null && q.isTextual() && !"datasource".equals(v.path("type").asText())) {
                out.add(q.asText());
            }
        }
        return out;
    }

    private static void collectPanels(JsonNode panels, List<String> out) {
        if (panels == null) {
            return;
        }
        for (JsonNode p : panels) {
            for (JsonNode t : p.path("targets")) {
                if (t.hasNonNull("expr")) {
                    out.add(t.get("expr").asText());
                }
            }
            collectPanels(p.get("panels"), out);
        }
    }

    static List<String> alertExpressions(JsonNode rules) {
        List<String> out = new ArrayList<>();
        for (JsonNode g : rules.path("groups")) {
            for (JsonNode r : g.path("rules")) {
                assertThat(r.hasNonNull("expr")).as("rule %s has an expr", r.path("alert").asText()).isTrue();
                out.add(r.get("expr").asText());
            }
        }
        return out;
    }

    /** Sample name -> the label sets of its series, from the Prometheus text exposition. */
    private static Map<String, List<Map<String, String>>> scrape(String text) {
        Map<String, List<Map<String, String>>> out = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
            Map<String, String> labels = new HashMap<>();
            if (brace >= 0 && brace < space) {
                Matcher m = EQ_MATCHER.matcher(line.substring(brace, line.lastIndexOf('}') + 1));
                while (m.find()) {
                    labels.put(m.group(1), m.group(2));
                }
            }
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(labels);
        }
        return out;
    }

    @Test
    void alertRulesCoverWhatTheIssueAsks() throws Exception {
        JsonNode rules = read(DEPLOY.resolve("prometheus/levee-alerts.yml"), new ObjectMapper(new YAMLFactory()));
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode g : rules.path("groups")) {
            for (JsonNode r : g.path("rules")) {
                byName.put(r.path("alert").asText(), r);
            }
        }
        assertThat(byName).containsKeys("LeveeEventCircuitOpen", "LeveeUpstreamBreakerOpen",
                "LeveeEventQueueCritical", "LeveeHotSpotNearLimit", "LeveeAgentRequestsShed");
        assertThat(byName.get("LeveeEventCircuitOpen").path("for").asText()).isEqualTo("5m");
        assertThat(byName.get("LeveeUpstreamBreakerOpen").path("for").asText()).isEqualTo("5m");
        assertThat(byName.get("LeveeHotSpotNearLimit").path("expr").asText()).contains(">= 0.8");
        assertThat(byName.get("LeveeAgentRequestsShed").path("expr").asText()).contains("class=\"agent\"");
        byName.values().forEach(r -> assertThat(r.path("annotations").hasNonNull("summary")).isTrue());
    }

    @Test
    void everyReferencedMetricIsExportedByARunningGateway() throws Exception {
        JsonNode dashboard = read(DEPLOY.resolve("grafana/levee-dashboard.json"), new ObjectMapper());
        JsonNode rules = read(DEPLOY.resolve("prometheus/levee-alerts.yml"), new ObjectMapper(new YAMLFactory()));
        List<String> expressions = new ArrayList<>(grafanaExpressions(dashboard));
        int panelExpressions = expressions.size();
        expressions.addAll(alertExpressions(rules));
        assertThat(panelExpressions).isGreaterThan(15);

        Set<String> referenced = new TreeSet<>();
        for (String e : expressions) {
            Matcher m = METRIC.matcher(e);
            while (m.find()) {
                referenced.add(m.group());
            }
        }
        assertThat(referenced).hasSizeGreaterThan(15);

        traffic();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            Map<String, List<Map<String, String>>> exported = scrape(gw.admin("/metrics").body());
            Set<String> missing = new TreeSet<>(referenced);
            missing.removeAll(exported.keySet());
            assertThat(missing).as("metrics the deploy pack uses that /metrics does not export").isEmpty();
            List<String> unmatched = new ArrayList<>();
            for (String e : expressions) {
                Matcher s = SELECTOR.matcher(e);
                while (s.find()) {
                    Matcher eq = EQ_MATCHER.matcher(s.group(2));
                    while (eq.find()) {
                        String label = eq.group(1), value = eq.group(2);
                        boolean found = exported.get(s.group(1)).stream().anyMatch(l -> value.equals(l.get(label)));
                        if (!found) {
                            unmatched.add(s.group(1) + "{" + label + "=\"" + value + "\"}");
                        }
                    }
                }
            }
            assertThat(unmatched).as("label matchers no exported series has").isEmpty();
        });
    }

    /** What makes every family appear: reads through the read path (cache, coalescer, hot-spot, breaker), events. */
    private static void traffic() throws Exception {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = gw.get(ODDS + "?fixture_id=" + (i % 3));
            seen.add(r.statusCode());
        }
        assertThat(seen).containsExactly(200);
        HttpResponse<String> ev = gw.send(HttpRequest.newBuilder(gw.uri("/api/v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"telemetry-data\",\"payload\":{\"v\":1}}"))
                .build());
        assertThat(ev.statusCode()).isEqualTo(202);
    }

    @Test
    void dashboardFileIsImportable() throws Exception {
        JsonNode dashboard = read(DEPLOY.resolve("grafana/levee-dashboard.json"), new ObjectMapper());
        assertThat(dashboard.path("uid").asText()).isEqualTo("levee-gateway");
        Set<Integer> ids = new HashSet<>();
        for (JsonNode p : dashboard.path("panels")) {
            assertThat(ids.add(p.path("id").asInt())).as("panel ids are unique").isTrue();
            assertThat(p.path("gridPos").path("w").asInt()).isBetween(1, 24);
        }
        assertThat(Files.readString(DEPLOY.resolve("grafana/levee-dashboard.json"))).doesNotContain("\"expr\": \"\"");
    }
}
