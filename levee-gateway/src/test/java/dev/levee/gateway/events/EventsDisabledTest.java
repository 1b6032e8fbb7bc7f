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

import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** ENABLE_BACKPRESSURE=false: the gateway does not ingest; events go to the upstream like any request. */
class EventsDisabledTest {
    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.post(EventsFeature.EVENTS_PATH).handler(ctx -> ctx.response().end("upstream got it")))
            .env(Map.of("ENABLE_BACKPRESSURE", "false"))
            .build();

    @Test
    void eventsAreProxiedAndTheQueueEndpointsAreAbsent() throws Exception {
        HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.uri(EventsFeature.EVENTS_PATH))
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"x\"}")).build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("upstream got it");
        assertThat(gw.admin("/metrics").body()).doesNotContain("levee_events_");
        assertThat(gw.admin("/health").body()).contains("\"events\":{\"status\":\"UP\",\"enabled\":false}");
    }
}
