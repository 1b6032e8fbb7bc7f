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
package dev.levee.gateway.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.testing.GatewayExtension;
import dev.levee.testing.RedisProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway instances with {@code store.type: redis} (a redis-server of the test's own, so the queue starts
 * empty) share one Redis Streams event queue: the depth and the thresholds are the shared ones, and every accepted
 * event is delivered once, by either instance.
 */
class SharedEventQueueTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RedisProcess REDIS = RedisProcess.onFreePort();

    private final AtomicBoolean sinkUp = new AtomicBoolean(false);
    private final Map<String, Integer> delivered = new ConcurrentHashMap<>();

    // the local upstream is the events' sink (nothing is proxied)
    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .instances(2)
            // the body is read before the answer, so that keep-alive stays clean
            .upstream(r -> r.post("/ingest").handler(ctx -> ctx.request().body().onSuccess(body -> {
                if (!sinkUp.get()) {
                    ctx.response().setStatusCode(503).end();
                    return;
                }
                delivered.merge(ctx.request().getHeader("X-Levee-Event-Id"), 1, Integer::sum);
                ctx.response().setStatusCode(200).end();
            })))
            .config("""
                    server: { host: 127.0.0.1, port: 0, event-loops: 2, shutdown-grace: 1s }
                    store: { type: redis, redis: { url: "%s", expected-instances: 2 } }
                    events:
                      sink: "${upstream}/ingest"
                      warning-threshold: 10
                      critical-threshold: 25
                      recovery-threshold: 5
                      stable-period: 1s
                      workers: 4
                      max-attempts: 1000
                      backoff-base: 100ms
                      backoff-max: 200ms
                      drain-grace: 1s
                    """.formatted(REDIS.url()))
            .build();

    private HttpResponse<String> post(int instance, String body) throws Exception {
        return gw.send(HttpRequest.newBuilder(gw.uri(instance, "/api/v1/events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10)).build());
    }

    private JsonNode queue(int instance) throws Exception {
        return JSON.readTree(gw.admin(instance, "/api/v1/metrics/queue").body());
    }

    private static String batch(String type, int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"type\":\"").append(type).append("\",\"payload\":{\"n\":")
                    .append(i).append("}}");
        }
        return sb.append(']').toString();
    }

    /** True if the event was refused with 503; an accepted one is added to {@code accepted}. */
    private static boolean refused(HttpResponse<String> r, Set<String> accepted) throws Exception {
        if (r.statusCode() == 202) {
            JSON.readTree(r.body()).get("ids").forEach(id -> accepted.add(id.asText()));
        }
        return r.statusCode() == 503;
    }

    @Test
    void instancesShareDepthThresholdsAndDeliveries() throws Exception {
        assertThat(gw.gateway(0).port()).isNotEqualTo(gw.gateway(1).port());
        int a = 0;
        int b = 1;

        Set<String> accepted = ConcurrentHashMap.newKeySet(); // also added from awaitility's thread
        HttpResponse<String> ra = post(a, batch("telemetry-data", 12));
        HttpResponse<String> rb = post(b, batch("telemetry-data", 12));
        assertThat(ra.statusCode()).isEqualTo(202);
        assertThat(rb.statusCode()).isEqualTo(202);
        JSON.readTree(ra.body()).get("ids").forEach(id -> accepted.add(id.asText()));
        JSON.readTree(rb.body()).get("ids").forEach(id -> accepted.add(id.asText()));
        assertThat(accepted).hasSize(24);

        // each instance sees the other's events in its depth (sink down: they are all waiting or retrying)
        await().atMost(Duration.ofSeconds(10)).until(() -> queue(a).get("depth").asInt() == 24
                && queue(b).get("depth").asInt() == 24);
        // one more through a reaches critical (25) on the shared depth: both refuse normal events now
        HttpResponse<String> last = post(a, "{\"type\":\"telemetry-data\"}");
        assertThat(last.statusCode()).isEqualTo(202);
        JSON.readTree(last.body()).get("ids").forEach(id -> accepted.add(id.asText()));
        // an instance decides on the shared depth its last Redis command saw (refreshed every 200 ms), so the
        // other one may still accept an event or two before it sees the critical depth: those count as accepted
        await().atMost(Duration.ofSeconds(10)).until(() -> refused(post(b, "{\"type\":\"telemetry-data\"}"), accepted)
                && refused(post(a, "{\"type\":\"telemetry-data\"}"), accepted));
        int acceptedAtCritical = accepted.size();
        assertThat(acceptedAtCritical).isBetween(25, 28);
        HttpResponse<String> critical = post(b, "{\"type\":\"critical-alarm\",\"payload\":1}");
        assertThat(critical.statusCode()).as("priority 1 is still accepted at critical").isEqualTo(202);
        JSON.readTree(critical.body()).get("ids").forEach(id -> accepted.add(id.asText()));
        assertThat(accepted).hasSize(acceptedAtCritical + 1);

        sinkUp.set(true);
        await().atMost(Duration.ofSeconds(30)).until(() -> queue(a).get("depth").asInt() == 0
                && queue(b).get("depth").asInt() == 0);
        assertThat(delivered.keySet()).containsExactlyInAnyOrderElementsOf(accepted);
        // delivery is at-least-once (an attempt whose answer was lost is retried; the sink de-duplicates by
        // X-Levee-Event-Id): every accepted event arrived, none vanished, and duplicates stay rare
        assertThat(delivered).as("every accepted event delivered").allSatisfy((id, n) -> assertThat(n).isPositive());
        assertThat(delivered.values().stream().mapToInt(Integer::intValue).sum() - delivered.size())
                .as("redeliveries").isLessThanOrEqualTo(2);
        JsonNode health = JSON.readTree(gw.admin(a, "/health").body());
        assertThat(health.at("/components/store/status").asText()).isEqualTo("UP");

        // Redis goes away: events are refused with 503 (never accepted and lost, never a 500), health answers
        REDIS.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> JSON.readTree(gw.admin(a, "/health").body())
                .at("/components/store/status").asText().equals("DEGRADED"));
        HttpResponse<String> refused = post(a, "{\"type\":\"critical-alarm\"}");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(queue(b).get("depth").asInt()).isZero();

        REDIS.start(); // empty again (no persistence); Lettuce reconnects by itself
        await().atMost(Duration.ofSeconds(20)).until(() -> post(b, "{\"type\":\"critical-alarm\"}").statusCode() == 202);
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() == accepted.size() + 1);
    }
}
