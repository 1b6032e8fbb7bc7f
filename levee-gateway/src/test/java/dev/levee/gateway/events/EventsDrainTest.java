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

import dev.levee.core.events.EventRejectedException;
import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Graceful shutdown delivers what is still queued (within events.drain-grace) instead of dropping it. */
class EventsDrainTest {
    private final Set<String> delivered = ConcurrentHashMap.newKeySet();

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.post("/ingest").handler(ctx -> ctx.request().body().onSuccess(b ->
                    ctx.vertx().setTimer(50, t -> {
                        delivered.add(b.toJsonObject().getString("id"));
                        ctx.response().end();
                    }))))
            .config("""
                    events:
                      sink: "${upstream}/ingest"
                      workers: 2
                      drain-grace: 20s
                    """)
            .build();

    @Test
    void shutdownWaitsUntilEveryAcceptedEventIsDelivered() throws Exception {
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 20; i++) {
            batch.append(i > 0 ? "," : "").append("{\"type\":\"telemetry-data\"}");
        }
        var r = gw.send(HttpRequest.newBuilder(gw.uri(EventsFeature.EVENTS_PATH))
                .POST(HttpRequest.BodyPublishers.ofString(batch.append("]").toString())).build());
        assertThat(r.statusCode()).isEqualTo(202);
        EventsFeature events = gw.gateway().feature(EventsFeature.class);
        assertThat(events.pipeline().stats().depth()).isGreaterThan(10); // 2 workers x 50 ms: most still queued

        gw.gateway().shutdown().await(30, TimeUnit.SECONDS);

        assertThat(delivered).hasSize(20);
        assertThat(events.pipeline().totals().completed()).isEqualTo(20);
        assertThat(events.pipeline().submit("telemetry-data", null)).failsWithin(Duration.ofSeconds(10))
                .withThrowableThat().havingCause().isInstanceOfSatisfying(EventRejectedException.class,
                        refused -> assertThat(refused.reason().code()).isEqualTo("shutting_down"));
    }
}
