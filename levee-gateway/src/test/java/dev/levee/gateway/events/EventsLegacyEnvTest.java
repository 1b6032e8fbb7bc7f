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
package dev.levee.gateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The original platform's environment names configure the running gateway, over the preset. */
class EventsLegacyEnvTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.post("/ingest").handler(ctx -> ctx.response().end()))
            .config("events: { preset: dev, sink: \"${upstream}/ingest\"}")
            .env(Map.of("ENABLE_BACKPRESSURE", "true",
                    "QUEUE_WARNING_THRESHOLD", "300",
                    "QUEUE_CRITICAL_THRESHOLD", "400",
                    "QUEUE_RECOVERY_THRESHOLD", "200",
                    "DEFAULT_EVENT_PRIORITY", "1"))
            .build();

    @Test
    void thresholdsAndDefaultPriorityComeFromTheOriginalNames() throws Exception {
        JsonNode t = JSON.readTree(gw.admin("/api/v1/metrics/queue").body()).get("thresholds");
        assertThat(t.get("warning").asInt()).isEqualTo(300);
        assertThat(t.get("critical").asInt()).isEqualTo(400);
        assertThat(t.get("recovery").asInt()).isEqualTo(200);
        var r = gw.send(HttpRequest.newBuilder(gw.uri(EventsFeature.EVENTS_PATH))
                .POST(HttpRequest.BodyPublishers.ofString("[{\"type\":\"not-configured\"}]")).build());
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(r.body()).get("results").get(0).get("priority").asInt()).isEqualTo(1);
    }
}
