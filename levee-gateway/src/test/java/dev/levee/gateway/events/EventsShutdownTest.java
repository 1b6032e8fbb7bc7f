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
import dev.levee.core.time.ManualTicker;
import dev.levee.gateway.http.JsonResponses;
import dev.levee.gateway.testing.GatewayExtension;
import io.vertx.core.Future;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events during the shutdown drain period: without a journal the gateway refuses what it may not deliver in time
 * (503 "Shutting down" with Retry-After); with the journal it keeps accepting, since what is accepted survives.
 */
class EventsShutdownTest {

    static HttpResponse<String> post(GatewayExtension gw) throws Exception {
        return gw.send(HttpRequest.newBuilder(gw.uri(EventsFeature.EVENTS_PATH))
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"telemetry-data\"}")).build());
    }

    @Nested
    class WithoutAJournal {
        final ManualTicker time = new ManualTicker();

        @RegisterExtension
        final GatewayExtension gw = GatewayExtension.builder()
                .upstream(r -> r.route().handler(ctx -> ctx.end())) // the sink and any proxied path
                .scheduler(time)
                .config("""
                        server: { host: 127.0.0.1, port: 0, event-loops: 1, drain-period: 5s }
                        events:
                          sink: "${upstream}/ingest"
                          journal: { enabled: false }
                        """)
                .build();

        @Test
        void newEventsGet503ShuttingDownAtOnceWhileOtherRequestsAreServed() throws Exception {
            assertThat(post(gw).statusCode()).isEqualTo(202);
            Future<Void> stopped = gw.gateway().shutdown();

            HttpResponse<String> refused = post(gw);
            assertThat(refused.statusCode()).isEqualTo(503);
            JsonNode body = JsonResponses.MAPPER.readTree(refused.body());
            assertThat(body.get("error").asText()).isEqualTo("Shutting down");
            assertThat(body.get("reason").asText()).isEqualTo("shutting_down");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(gw.get("/anything").statusCode()).isEqualTo(200);
            assertThat(gw.get("/health/readiness").statusCode()).isEqualTo(503);

            time.advance(Duration.ofSeconds(5));
            stopped.await(10, TimeUnit.SECONDS);
        }
    }

    @Nested
    class WithTheJournal {
        final ManualTicker time = new ManualTicker();

        @RegisterExtension
        final GatewayExtension gw = GatewayExtension.builder()
                .upstream(r -> r.route().handler(ctx -> ctx.end())) // the sink and any proxied path
                .scheduler(time)
                .config("""
                        server: { host: 127.0.0.1, port: 0, event-loops: 1, drain-period: 5s }
                        events:
                          sink: "${upstream}/ingest"
                        """)
                .build();

        @Test
        void eventsAreStillAcceptedDuringTheDrainPeriod() throws Exception {
            Future<Void> stopped = gw.gateway().shutdown();
            assertThat(post(gw).statusCode()).isEqualTo(202);
            assertThat(gw.gateway().feature(EventsFeature.class).durable()).isTrue();
            time.advance(Duration.ofSeconds(5));
            stopped.await(10, TimeUnit.SECONDS);
        }
    }
}
