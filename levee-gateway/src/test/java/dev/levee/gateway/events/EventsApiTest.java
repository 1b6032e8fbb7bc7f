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
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /api/v1/events} and the queue endpoints through the real gateway. The local upstream is the sink;
 * it can hold deliveries unanswered, so the queue depth is exactly what the test put in. Thresholds: warning 8,
 * critical 10 (low priority dropped from 8, HALF_OPEN reopens above 6), recovery 4, capacity 20.
 */
class EventsApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Queue<RoutingContext> held = new ConcurrentLinkedQueue<>();
    private final List<JsonObject> received = new CopyOnWriteArrayList<>();
    private volatile boolean hold = true;
    private volatile int sinkStatus = 200;

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> {
                r.post("/ingest").handler(ctx -> ctx.request().body().onSuccess(b -> {
                    if (hold) {
                        held.add(ctx);
                        return;
                    }
                    if (sinkStatus == 200) {
                        received.add(b.toJsonObject());
                    }
                    ctx.response().setStatusCode(sinkStatus).end();
                }));
                r.post(EventsFeature.EVENTS_PATH).handler(ctx -> ctx.response().end("upstream got it"));
            })
            .config("""
                    admin: { token: "s3cret" }
                    events:
                      sink: "${upstream}/ingest"
                      warning-threshold: 8
                      critical-threshold: 10
                      recovery-threshold: 4
                      capacity: 20
                      stable-period: 300ms
                      workers: 100
                      max-attempts: 2
                      backoff-base: 10ms
                      backoff-max: 20ms
                      delivery-timeout: 30s
                      max-body-size: 2KB
                      max-event-size: 200B
                      max-batch: 5
                      drain-grace: 0s
                    """)
            .build();

    private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gw.uri(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return gw.send(b.build());
    }

    private HttpResponse<String> event(String type) throws Exception {
        return post(EventsFeature.EVENTS_PATH, "{\"type\":\"" + type + "\",\"payload\":{\"n\":1}}");
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    private JsonNode queue() throws Exception {
        return json(gw.admin("/api/v1/metrics/queue"));
    }

    private void fillTo(int depth) throws Exception {
        while (queue().get("depth").asInt() < depth) {
            assertThat(event("telemetry-data").statusCode()).isEqualTo(202);
        }
    }

    /** Answers held deliveries until the depth is {@code depth}. */
    private void releaseTo(int depth) throws Exception {
        while (queue().get("depth").asInt() > depth) {
            int now = queue().get("depth").asInt();
            RoutingContext ctx = held.poll();
            assertThat(ctx).isNotNull();
            ctx.response().setStatusCode(200).end();
            await().atMost(Duration.ofSeconds(5)).until(() -> queue().get("depth").asInt() < now);
        }
    }

    @Test
    void oneEventIsAcceptedWith202AndDeliveredToTheSink() throws Exception {
        hold = false;
        HttpResponse<String> r = post(EventsFeature.EVENTS_PATH,
                "{\"type\":\"telemetry-data\",\"payload\":{\"device\":\"d-1\",\"v\":[1,2]}}");
        assertThat(r.statusCode()).isEqualTo(202);
        JsonNode body = json(r);
        assertThat(body.get("accepted").asInt()).isEqualTo(1);
        String id = body.get("ids").get(0).asText();
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        JsonObject delivered = received.get(0);
        assertThat(delivered.getString("id")).isEqualTo(id);
        assertThat(delivered.getString("type")).isEqualTo("telemetry-data");
        assertThat(delivered.getInteger("priority")).isEqualTo(5);
        assertThat(delivered.getInteger("attempt")).isEqualTo(1);
        assertThat(delivered.getJsonObject("payload").encode()).isEqualTo("{\"device\":\"d-1\",\"v\":[1,2]}");
        await().untilAsserted(() -> assertThat(queue().get("completed").asInt()).isEqualTo(1));
    }

    @Test
    void badInputIs400Or413JsonAndAcceptsNothing() throws Exception {
        String p = EventsFeature.EVENTS_PATH;
        assertError(post(p, "{\"type\": \"x\""), 400, "Malformed JSON");
        assertError(post(p, ""), 400, "Empty body");
        assertError(post(p, "{\"type\":\"a\"} {\"type\":\"b\"}"), 400, "Malformed JSON");
        assertError(post(p, "{\"payload\":{}}"), 400, "Invalid event");
        assertError(post(p, "{\"type\":42}"), 400, "Invalid event");
        assertError(post(p, "{\"type\":\"\"}"), 400, "Invalid event");
        assertError(post(p, "\"just a string\""), 400, "Invalid event");
        assertError(post(p, "[]"), 400, "Empty batch");
        HttpResponse<String> mixed = post(p, "[{\"type\":\"a\"}, 7]");
        assertError(mixed, 400, "Invalid event");
        assertThat(json(mixed).get("index").asInt()).isEqualTo(1);
        assertError(post(p, "[{\"type\":\"a\"},{\"type\":\"a\"},{\"type\":\"a\"},{\"type\":\"a\"},{\"type\":\"a\"},"
                + "{\"type\":\"a\"}]"), 413, "Too many events");
        assertError(post(p, "{\"type\":\"a\",\"payload\":\"" + "x".repeat(3000) + "\"}"), 413,
                "Request body too large");
        HttpResponse<String> big = post(p, "[{\"type\":\"a\"},{\"type\":\"a\",\"payload\":\"" + "x".repeat(300) + "\"}]");
        assertError(big, 413, "Event too large");
        assertThat(json(big).get("index").asInt()).isEqualTo(1);
        // a number beyond a double would be delivered as "Infinity": refused, naming where it is
        HttpResponse<String> inf = post(p, "{\"type\":\"a\",\"payload\":{\"odds\":[1.5,1e309]}}");
        assertError(inf, 400, "Invalid number");
        assertThat(json(inf).get("path").asText()).isEqualTo("/payload/odds/1");
        HttpResponse<String> negInBatch = post(p, "[{\"type\":\"a\"},{\"type\":\"a\",\"payload\":{\"a/b\":-1e400}}]");
        assertError(negInBatch, 400, "Invalid number");
        assertThat(json(negInBatch).get("path").asText()).isEqualTo("/1/payload/a~1b");
        assertThat(queue().get("accepted").asInt()).isZero();
        assertThat(gw.admin("/health").statusCode()).isEqualTo(200); // still serving
    }

    private static void assertError(HttpResponse<String> r, int status, String error) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(json(r).get("error").asText()).isEqualTo(error);
    }

    @Test
    void overCriticalOnlyPriorityOneIsAcceptedAndTheRestGet503WithRetryAfter() throws Exception {
        fillTo(10);
        HttpResponse<String> r = event("telemetry-data");
        assertThat(r.statusCode()).isEqualTo(503);
        JsonNode body = json(r);
        assertThat(body.get("error").asText()).isEqualTo("Queue overloaded");
        assertThat(body.get("reason").asText()).isEqualTo("circuit_open");
        assertThat(body.get("circuit").asText()).isEqualTo("OPEN");
        long retryAfter = body.get("retry_after").asLong();
        assertThat(retryAfter).isPositive();
        assertThat(r.headers().firstValue("Retry-After")).contains(Long.toString(retryAfter));
        assertThat(event("scheduled").statusCode()).isEqualTo(202);
        assertThat(event("critical-alarm").statusCode()).isEqualTo(202);
        assertThat(event("batch-operation").statusCode()).isEqualTo(503);
    }

    @Test
    void healthAndReadinessFollowTheCircuit() throws Exception {
        assertThat(json(gw.admin("/api/v1/health")).get("components").get("events").get("status").asText())
                .isEqualTo("UP");
        fillTo(10);
        HttpResponse<String> health = gw.admin("/api/v1/health");
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(json(health).get("status").asText()).isEqualTo("DOWN");
        assertThat(json(health).get("components").get("events").get("circuit").asText()).isEqualTo("OPEN");
        assertThat(gw.get("/health/readiness").statusCode()).isEqualTo(503);
        assertThat(gw.get("/api/v1/health/readiness").statusCode()).isEqualTo(503);
        assertThat(gw.get("/health/liveness").statusCode()).isEqualTo(200);
        assertThat(gw.admin("/health/events").statusCode()).isEqualTo(503);

        releaseTo(4); // recovery: HALF_OPEN
        HttpResponse<String> half = gw.admin("/api/v1/health");
        assertThat(half.statusCode()).isEqualTo(200);
        assertThat(json(half).get("status").asText()).isEqualTo("DEGRADED");
        assertThat(gw.get("/health/readiness").statusCode()).isEqualTo(200);
        HttpResponse<String> low = event("batch-operation");
        assertThat(low.statusCode()).isEqualTo(503);
        assertThat(json(low).get("reason").asText()).isEqualTo("circuit_half_open");
        assertThat(event("telemetry-data").statusCode()).isEqualTo(202); // depth 5: the stable clock restarts
        releaseTo(4);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            HttpResponse<String> h = gw.admin("/api/v1/health");
            assertThat(json(h).get("status").asText()).as("health %s, queue %s", h.body(), queue()).isEqualTo("UP");
        });
        JsonNode transitions = queue().get("circuit").get("transitions");
        assertThat(transitions).hasSize(3);
        assertThat(transitions.get(0).get("to").asText()).isEqualTo("OPEN");
        assertThat(transitions.get(0).get("depth").asInt()).isEqualTo(10);
        assertThat(transitions.get(1).get("to").asText()).isEqualTo("HALF_OPEN");
        assertThat(transitions.get(2).get("to").asText()).isEqualTo("CLOSED");
        assertThat(transitions.get(2).get("at").asLong()).isGreaterThanOrEqualTo(transitions.get(1).get("at").asLong());
    }

    @Test
    void anArrayIsDecidedPerEventAndSaysWhichWereAccepted() throws Exception {
        fillTo(7);
        HttpResponse<String> r = post(EventsFeature.EVENTS_PATH,
                "[{\"type\":\"batch-operation\"},{\"type\":\"batch-operation\"},{\"type\":\"telemetry-data\"}]");
        assertThat(r.statusCode()).isEqualTo(202);
        JsonNode body = json(r);
        assertThat(body.get("accepted").asInt()).isEqualTo(2);
        assertThat(body.get("rejected").asInt()).isEqualTo(1);
        assertThat(body.get("ids")).hasSize(2);
        JsonNode results = body.get("results");
        assertThat(results.get(0).get("status").asText()).isEqualTo("accepted");
        assertThat(results.get(0).get("id").asText()).isEqualTo(body.get("ids").get(0).asText());
        assertThat(results.get(1).get("status").asText()).isEqualTo("rejected"); // depth 8 = 80 % of critical
        assertThat(results.get(1).get("reason").asText()).isEqualTo("low_priority_shed");
        assertThat(results.get(1).get("retry_after").asLong()).isPositive();
        assertThat(results.get(2).get("status").asText()).isEqualTo("accepted");

        fillTo(10);
        HttpResponse<String> none = post(EventsFeature.EVENTS_PATH,
                "[{\"type\":\"telemetry-data\"},{\"type\":\"batch-operation\"}]");
        assertThat(none.statusCode()).isEqualTo(503);
        JsonNode nb = json(none);
        assertThat(nb.get("error").asText()).isEqualTo("Queue overloaded");
        assertThat(nb.get("accepted").asInt()).isZero();
        assertThat(nb.get("rejected").asInt()).isEqualTo(2);
        assertThat(none.headers().firstValue("Retry-After")).contains(nb.get("retry_after").asText());
        HttpResponse<String> mixed = post(EventsFeature.EVENTS_PATH,
                "[{\"type\":\"telemetry-data\"},{\"type\":\"scheduled\"}]");
        assertThat(mixed.statusCode()).isEqualTo(202);
        assertThat(json(mixed).get("accepted").asInt()).isEqualTo(1);
    }

    @Test
    void queueMetricsSummaryAndPrometheus() throws Exception {
        fillTo(3);
        event("batch-operation");
        JsonNode q = queue();
        assertThat(q.get("active").asInt()).isEqualTo(4);
        assertThat(q.get("waiting").asInt()).isZero();
        assertThat(q.get("delayed").asInt()).isZero();
        assertThat(q.get("completed").asInt()).isZero();
        assertThat(q.get("failed").asInt()).isZero();
        assertThat(q.get("dead_lettered").asInt()).isZero();
        assertThat(q.get("accepted").asInt()).isEqualTo(4);
        assertThat(q.get("workers").get("configured").asInt()).isEqualTo(100);
        assertThat(q.get("workers").get("busy").asInt()).isEqualTo(4);
        assertThat(q.get("capacity").asInt()).isEqualTo(20);
        assertThat(q.get("circuit").get("state").asText()).isEqualTo("CLOSED");
        assertThat(q.get("thresholds").get("warning").asInt()).isEqualTo(8);
        assertThat(q.get("thresholds").get("critical").asInt()).isEqualTo(10);
        assertThat(q.get("thresholds").get("recovery").asInt()).isEqualTo(4);
        assertThat(q.get("thresholds").get("low_priority_drop_at").asInt()).isEqualTo(8);
        assertThat(q.get("rates").has("drain_per_second")).isTrue();
        assertThat(q.get("rates").get("accepted_per_second").asDouble()).isPositive();

        JsonNode s = json(gw.admin("/api/v1/metrics/queue/summary"));
        assertThat(s.get("circuit").asText()).isEqualTo("CLOSED");
        assertThat(s.get("depth").asInt()).isEqualTo(4);

        String prom = gw.admin("/metrics").body();
        assertThat(prom).contains("levee_events_circuit_state 0.0", "levee_events_depth 4.0",
                "levee_events_accepted_total 4.0", "levee_events_rejected_total{reason=\"circuit_open\"} 0.0",
                "levee_events_active 4.0", "levee_events_threshold{level=\"critical\"} 10.0",
                "levee_events_completed_total", "levee_events_dead_lettered_total", "levee_events_workers 100.0");
        fillTo(10);
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(gw.admin("/metrics").body()).contains("levee_events_circuit_state 2.0"));
        assertThat(gw.admin("/metrics").body())
                .contains("levee_http_requests_seconds_count{route=\"/api/v1/events\",status=\"2xx\"}");
    }

    @Test
    void adminEndpointsNeedTheToken() throws Exception {
        String reset = "/api/v1/metrics/backpressure/reset";
        assertThat(post(reset, "").statusCode()).isEqualTo(401);
        assertThat(post(reset, "", "Authorization", "Bearer wrong").statusCode()).isEqualTo(403);
        assertThat(gw.admin("/api/v1/events/dead-letters").statusCode()).isEqualTo(401);
        assertThat(gw.admin("/api/v1/events/dead-letters", "Authorization", "Bearer wrong").statusCode())
                .isEqualTo(403);
        assertThat(post("/api/v1/events/dead-letters/replay", "").statusCode()).isEqualTo(401);

        fillTo(10);
        event("telemetry-data"); // rejected
        HttpResponse<String> ok = post(reset, "", "Authorization", "Bearer s3cret");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json(ok).get("reset").asBoolean()).isTrue();
        JsonNode q = queue();
        assertThat(q.get("accepted").asInt()).isZero();
        assertThat(q.get("rejected").get("total").asInt()).isZero();
        assertThat(q.get("depth").asInt()).isEqualTo(10); // reset clears statistics, never events
        // forced CLOSED, then re-evaluated against the depth still there
        JsonNode transitions = q.get("circuit").get("transitions");
        assertThat(transitions.get(transitions.size() - 2).get("reason").asText()).isEqualTo("manual reset");
        assertThat(q.get("circuit").get("state").asText()).isEqualTo("OPEN");
    }

    @Test
    void failingDeliveriesAreDeadLetteredListedAndReplayed() throws Exception {
        hold = false;
        sinkStatus = 500;
        String id = json(event("telemetry-data")).get("ids").get(0).asText();
        await().atMost(Duration.ofSeconds(5)).until(() -> queue().get("dead_letters").asInt() == 1);
        JsonNode q = queue();
        assertThat(q.get("failed").asInt()).isEqualTo(2);
        assertThat(q.get("dead_lettered").asInt()).isEqualTo(1);
        assertThat(q.get("depth").asInt()).isZero();

        HttpResponse<String> list = gw.admin("/api/v1/events/dead-letters?limit=10", "Authorization", "Bearer s3cret");
        assertThat(list.statusCode()).isEqualTo(200);
        JsonNode dl = json(list).get("dead_letters").get(0);
        assertThat(dl.get("id").asText()).isEqualTo(id);
        assertThat(dl.get("attempts").asInt()).isEqualTo(2);
        assertThat(dl.get("reason").asText()).isEqualTo("sink answered 500");
        assertThat(dl.get("payload").get("n").asInt()).isEqualTo(1);
        assertThat(gw.admin("/api/v1/events/dead-letters?limit=0", "Authorization", "Bearer s3cret").statusCode())
                .isEqualTo(400);

        sinkStatus = 200;
        HttpResponse<String> replay = post("/api/v1/events/dead-letters/replay", "{\"ids\":[\"" + id + "\"]}",
                "Authorization", "Bearer s3cret");
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(json(replay).get("replayed").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        assertThat(received.get(0).getString("id")).isEqualTo(id);
        assertThat(received.get(0).getInteger("attempt")).isEqualTo(1);
        assertThat(queue().get("replayed").asInt()).isEqualTo(1);
        assertThat(post("/api/v1/events/dead-letters/replay", "[1]", "Authorization", "Bearer s3cret").statusCode())
                .isEqualTo(400);
    }
}
