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
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The end-to-end invariant: flood the gateway while the sink (the local upstream) is slow and fails 30 % of
 * deliveries. Every event answered 202 is delivered or dead-lettered; none vanishes, none is invented. Counted
 * end to end: the sink's unique delivered ids + the dead-letter ids == the ids the clients were given.
 */
class EventsInvariantTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> delivered = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger duplicates = new AtomicInteger();
    private static final AtomicInteger sinkCalls = new AtomicInteger();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.post("/ingest").handler(ctx -> ctx.request().body().onSuccess(b -> {
                sinkCalls.incrementAndGet();
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                boolean fail = rnd.nextInt(100) < 30;
                String id = b.toJsonObject().getString("id");
                ctx.vertx().setTimer(1 + rnd.nextInt(15), t -> {
                    if (fail) {
                        ctx.response().setStatusCode(500).end();
                        return;
                    }
                    if (!delivered.add(id)) {
                        duplicates.incrementAndGet();
                    }
                    ctx.response().setStatusCode(200).end();
                });
            })))
            .config("""
                    admin: { token: "s3cret" }
                    events:
                      sink: "${upstream}/ingest"
                      warning-threshold: 300
                      critical-threshold: 400
                      recovery-threshold: 100
                      capacity: 800
                      stable-period: 200ms
                      workers: 8
                      max-attempts: 3
                      backoff-base: 5ms
                      backoff-max: 50ms
                      delivery-timeout: 30s
                      dead-letter-capacity: 5000
                    """)
            .build();

    @Test
    void everyAcceptedEventIsDeliveredOrDeadLetteredNoneVanishes() throws Exception {
        int clients = 16;
        int requestsPerClient = 30;
        String[] types = {"scheduled", "telemetry-data", "batch-operation", "unknown-type"};
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicInteger rejectedEvents = new AtomicInteger();
        AtomicInteger unexpected = new AtomicInteger();
        AtomicInteger sentEvents = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < requestsPerClient; i++) {
                    int n = i % 2 == 0 ? 1 : 10;
                    StringBuilder body = new StringBuilder(n == 1 ? "" : "[");
                    for (int k = 0; k < n; k++) {
                        if (k > 0) {
                            body.append(',');
                        }
                        body.append("{\"type\":\"").append(types[(client + i + k) % types.length])
                                .append("\",\"payload\":{\"c\":").append(client).append(",\"i\":").append(i)
                                .append("}}");
                    }
                    if (n > 1) {
                        body.append(']');
                    }
                    sentEvents.addAndGet(n);
                    try {
                        HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.uri(EventsFeature.EVENTS_PATH))
                                .timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
                        JsonNode j = JSON.readTree(r.body());
                        if (r.statusCode() == 202) {
                            j.get("ids").forEach(id -> {
                                if (!accepted.add(id.asText())) {
                                    unexpected.incrementAndGet();
                                }
                            });
                            rejectedEvents.addAndGet(j.has("rejected") ? j.get("rejected").asInt() : 0);
                        } else if (r.statusCode() == 503 && r.headers().firstValue("Retry-After").isPresent()) {
                            rejectedEvents.addAndGet(n);
                        } else {
                            unexpected.incrementAndGet();
                        }
                    } catch (Exception e) {
                        unexpected.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(unexpected).hasValue(0);
        assertThat(accepted.size() + rejectedEvents.get()).isEqualTo(sentEvents.get());
        assertThat(rejectedEvents.get()).as("the flood must overload the queue").isPositive();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> queue().get("depth").asInt() == 0);

        HttpResponse<String> dl = gw.admin("/api/v1/events/dead-letters?limit=1000", "Authorization", "Bearer s3cret");
        JsonNode dlBody = JSON.readTree(dl.body());
        assertThat(dlBody.get("count").asInt()).isLessThan(1000); // all listed in one page
        Set<String> dead = new HashSet<>();
        dlBody.get("dead_letters").forEach(d -> {
            assertThat(dead.add(d.get("id").asText())).isTrue();
            assertThat(d.get("attempts").asInt()).isEqualTo(3);
        });

        assertThat(duplicates).hasValue(0);
        assertThat(delivered).doesNotContainAnyElementsOf(dead);
        Set<String> accounted = new HashSet<>(delivered);
        accounted.addAll(dead);
        assertThat(accounted).isEqualTo(accepted);

        JsonNode q = queue();
        System.out.printf("events invariant: sent %d, accepted %d, rejected %d, delivered %d, dead-lettered %d, "
                        + "sink calls %d%n", sentEvents.get(), accepted.size(), rejectedEvents.get(), delivered.size(),
                dead.size(), sinkCalls.get());
        assertThat(q.get("accepted").asLong()).isEqualTo(accepted.size());
        assertThat(q.get("rejected").get("total").asLong()).isEqualTo(rejectedEvents.get());
        assertThat(q.get("completed").asLong()).isEqualTo(delivered.size());
        assertThat(q.get("dead_lettered").asLong()).isEqualTo(dead.size());
        assertThat(q.get("failed").asLong()).isEqualTo(sinkCalls.get() - delivered.size());
        assertThat(q.get("circuit").get("transitions").toString()).contains("\"to\":\"OPEN\"");
    }

    private static JsonNode queue() throws Exception {
        return JSON.readTree(gw.admin("/api/v1/metrics/queue").body());
    }
}
