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

import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pins the {@code levee_*} series the gateway exports on {@code /metrics}: each metric name with its tag keys and
 * the values of the bounded tags (class, route, reason, state, ...). The shipped Grafana dashboard and alert rules
 * read these names, and {@code levee-micrometer}'s binders export the same for an embedded user, so a change here
 * is a change for both. Per-key hot-spot values and histogram bucket bounds are written as {@code *}: the golden
 * file pins that the labels exist, not which keys were hot; so are upstream endpoints (host:port, a free port here). Regenerate with {@code -Dlevee.golden.update=true}.
 */
class MetricsNamesTest {
    private static final String GOLDEN = "metrics-names.txt";
    private static final Pattern SAMPLE = Pattern.compile("^(levee_[a-zA-Z0-9_:]*)(?:\\{(.*)})? .*$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> {
                r.get("/api/odds").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                        .putHeader("Cache-Control", "max-age=60").end("{\"odds\":1}"));
                r.post("/ingest").handler(ctx -> ctx.response().setStatusCode(204).end());
            })
            .config("""
                    admission:
                      max-concurrent: auto
                      classes:
                        - { name: agent, when: { claim: role, equals: agent } }
                        - { name: browser }
                    routes:
                      - path: /api/odds
                        public: true
                        coalesce: {}
                        cache: {}
                        breaker: {}
                        hot-spot: { key: "query:fixture_id", limit: 100, window: 60s, queue: 10, max-wait: 1s }
                    hot-spots: { metrics-top-k: 2, metrics-refresh: 100ms }
                    events:
                      sink: "${upstream}/ingest"
                    """)
            .build();

    @Test
    void theLeveeSeriesKeepTheirNamesAndLabels() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(gw.get("/api/odds?fixture_id=k" + i).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> posted = gw.send(HttpRequest.newBuilder(gw.uri("/api/v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"bet\",\"payload\":{\"a\":1}}")).build());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        // the per-key hot-spot series come with the next refresh
        await().atMost(Duration.ofSeconds(20)).until(() -> gw.admin("/metrics").body()
                .contains("levee_hotspot_key_usage_ratio{"));
        String actual = String.join("\n", series(gw.admin("/metrics").body())) + "\n";
        if (Boolean.getBoolean("levee.golden.update")) { // run from the module directory, as Maven does
            Files.writeString(Path.of("src/test/resources/dev/levee/gateway/ops", GOLDEN), actual);
            return;
        }
        String expected;
        try (var in = MetricsNamesTest.class.getResourceAsStream(GOLDEN)) {
            assertThat(in).as("golden file " + GOLDEN).isNotNull();
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(actual).isEqualTo(expected);
    }

    /** Every levee_* sample line as {@code name{key=value,...}}, deduplicated and sorted. */
    static Set<String> series(String exposition) {
        Set<String> out = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            Set<String> labels = new TreeSet<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    String key = l.group(1);
                    // endpoint: host:port of the test's upstream, a free port (bounded in use: from the config)
                    boolean unbounded = key.equals("key") || key.equals("le") || key.equals("endpoint");
                    labels.add(key + "=" + (unbounded ? "*" : l.group(2)));
                }
            }
            out.add(m.group(1) + (labels.isEmpty() ? "" : "{" + String.join(",", labels) + "}"));
        }
        return out;
    }
}
