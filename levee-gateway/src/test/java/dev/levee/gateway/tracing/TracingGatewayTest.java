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
package dev.levee.gateway.tracing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.admission.AdmissionFeature;
import dev.levee.gateway.chain.Stage;
import dev.levee.gateway.hotspot.HotSpotFeature;
import dev.levee.gateway.readpath.ReadPathFeature;
import dev.levee.gateway.store.StoreFeature;
import dev.levee.gateway.testing.GatewayExtension;
import dev.levee.gateway.tracing.OtlpReceiver.Received;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.vertx.ext.web.RoutingContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * OpenTelemetry tracing through the real gateway, exported over OTLP/HTTP to a real receiver started here: the
 * client's {@code traceparent} is the server span's parent; admission wait, cache lookup, coalescer wait (linked to
 * the leader's upstream call), hot-spot wait and the upstream call are its children; the upstream gets the upstream
 * call's context; a shed request's access-log line names its trace.
 */
class TracingGatewayTest {
    static final OtlpReceiver receiver = new OtlpReceiver();
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path LOG = tempDir().resolve("access.log");
    /** Upstream path -> the traceparent it received last. */
    static final Map<String, String> upstreamParents = new ConcurrentHashMap<>();
    static final ConcurrentLinkedQueue<RoutingContext> held = new ConcurrentLinkedQueue<>();
    static final ConcurrentLinkedQueue<RoutingContext> heldOdds = new ConcurrentLinkedQueue<>();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> {
                r.get("/hold").handler(held::add);
                r.get("/slow-odds").handler(ctx -> {
                    upstreamParents.put(ctx.request().path(), String.valueOf(ctx.request().getHeader("traceparent")));
                    heldOdds.add(ctx);
                });
                r.route().handler(ctx -> {
                    upstreamParents.put(ctx.request().path(), String.valueOf(ctx.request().getHeader("traceparent")));
                    ctx.response().end("hello");
                });
            })
            .features(List.of(StoreFeature::new, AdmissionFeature::new, HotSpotFeature::new, ReadPathFeature::new))
            .config("""
                    admission: { max-concurrent: 3, queue-capacity: 1 }
                    access-log: { target: file, path: "%s" }
                    tracing: { otlp-endpoint: "%s", sample-ratio: 1.0, export-timeout: 2s }
                    routes:
                      - path: /slow-odds
                        cache: { fresh: 60s, stale: 60s }
                        coalesce: { max-wait: 30s }
                      - path: /hot
                        hot-spot: { key: "query:id", limit: 1, window: 60s, queue: 0 }
                    """.formatted(LOG.toString().replace("\\", "/"), receiver.endpoint()))
            .build();

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("levee-tracing");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN = "00f067aa0ba902b7";

    private static String traceparent(String traceId) {
        return "00-" + traceId + "-" + CLIENT_SPAN + "-01";
    }

    /** The received span of {@code traceId} named {@code name}, once exported. */
    private static Received span(String traceId, String name) {
        Received[] found = {null};
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            found[0] = receiver.span(traceId, name).orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    private static List<Received> spans(String traceId, String name, int count) {
        List<Received> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            found.clear();
            receiver.trace(traceId).stream().filter(s -> s.name().equals(name)).forEach(found::add);
            return found.size() >= count;
        });
        return found;
    }

    /** The access line of request {@code id}, once written. */
    private static JsonNode line(String id) {
        JsonNode[] found = {null};
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            if (!Files.exists(LOG)) {
                return false;
            }
            for (String l : Files.readAllLines(LOG)) {
                JsonNode n = JSON.readTree(l);
                if (id.equals(n.path("request_id").asText())) {
                    found[0] = n;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    @Test
    void theStageRunsAfterTheOpsEndpoints() {
        assertThat(gw.gateway().stages()).containsSubsequence(Stage.OPS, Stage.TRACING, Stage.ROUTE_MATCH);
    }

    @Test
    void aProxiedRequestContinuesTheClientsTraceAndTheUpstreamGetsTheCallsSpan() throws Exception {
        String trace = "11111111111111111111111111111111";
        HttpResponse<String> r = gw.get("/hello", "traceparent", traceparent(trace), "X-Request-Id", "traced-1");
        assertThat(r.statusCode()).isEqualTo(200);

        Received server = span(trace, "GET proxy");
        assertThat(server.kind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
        assertThat(server.parentSpanId()).isEqualTo(CLIENT_SPAN);
        assertThat(server.attribute("http.response.status_code")).isEqualTo("200");
        assertThat(server.attribute("levee.request_id")).isEqualTo("traced-1");
        assertThat(server.resource()).containsEntry("service.name", "levee").containsKey("service.version");

        Received call = span(trace, "upstream call");
        assertThat(call.kind()).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
        assertThat(call.parentSpanId()).isEqualTo(server.spanId());
        assertThat(call.attribute("server.address")).startsWith("127.0.0.1:");
        // the upstream's parent is the call, in the client's trace
        assertThat(upstreamParents.get("/hello")).isEqualTo("00-" + trace + "-" + call.spanId() + "-01");

        Received admission = span(trace, "admission wait");
        assertThat(admission.parentSpanId()).isEqualTo(server.spanId());
        assertThat(admission.error()).isFalse();
        assertThat(line("traced-1").get("trace_id").asText()).isEqualTo(trace);
    }

    @Test
    void aShedRequestIsTracedEndToEndWithItsAccessLine() throws Exception {
        AdmissionFeature admission = gw.gateway().feature(AdmissionFeature.class);
        List<CompletableFuture<HttpResponse<String>>> admitted = new ArrayList<>();
        for (int i = 0; i < 4; i++) { // three in flight (held by the upstream), one queued
            admitted.add(gw.http().sendAsync(HttpRequest.newBuilder(gw.uri("/hold")).build(),
                    HttpResponse.BodyHandlers.ofString()));
            int n = i;
            await().until(() -> held.size() + admission.admission().stats().forClass("browser").queueDepth()
                    == n + 1);
        }
        assertThat(held).hasSize(3);

        String trace = "22222222222222222222222222222222";
        HttpResponse<String> shed = gw.get("/hold", "traceparent", traceparent(trace), "X-Request-Id", "shed-1");
        assertThat(shed.statusCode()).isEqualTo(429);

        Received server = span(trace, "GET proxy");
        assertThat(server.attribute("http.response.status_code")).isEqualTo("429");
        assertThat(server.attribute("levee.reject_reason")).isEqualTo("queue_full");
        assertThat(server.attribute("levee.client_class")).isEqualTo("browser");
        Received wait = span(trace, "admission wait");
        assertThat(wait.parentSpanId()).isEqualTo(server.spanId());
        assertThat(wait.error()).isTrue();
        assertThat(wait.attribute("levee.reject_reason")).isEqualTo("queue_full");
        assertThat(receiver.span(trace, "upstream call")).isEmpty();

        JsonNode l = line("shed-1");
        assertThat(l.get("status").asInt()).isEqualTo(429);
        assertThat(l.get("reject_reason").asText()).isEqualTo("queue_full");
        assertThat(l.get("trace_id").asText()).isEqualTo(trace);
        // the closing note's example: one shed request, its line and its spans
        System.out.println("access line: " + l);
        receiver.trace(trace).forEach(s -> System.out.println("span: " + s));

        for (int released = 0; released < 4; released++) { // the queued one gets the first permit freed
            await().until(() -> !held.isEmpty());
            held.poll().response().end("done");
        }
        for (CompletableFuture<HttpResponse<String>> r : admitted) {
            assertThat(r.join().statusCode()).isEqualTo(200);
        }
    }

    @Test
    void coalescedWaitersLinkToTheLeadersUpstreamCall() throws Exception {
        String leaderTrace = "33333333333333333333333333333333";
        CompletableFuture<HttpResponse<String>> leader = gw.http().sendAsync(HttpRequest.newBuilder(
                gw.uri("/slow-odds?f=1")).header("traceparent", traceparent(leaderTrace)).build(),
                HttpResponse.BodyHandlers.ofString());
        await().until(() -> heldOdds.size() == 1);
        ReadPathFeature readPath = gw.gateway().feature(ReadPathFeature.class);
        List<String> waiterTraces = List.of("3333333333333333333333333333333a", "3333333333333333333333333333333b");
        List<CompletableFuture<HttpResponse<String>>> waiters = new ArrayList<>();
        for (String t : waiterTraces) {
            waiters.add(gw.http().sendAsync(HttpRequest.newBuilder(gw.uri("/slow-odds?f=1"))
                    .header("traceparent", traceparent(t)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        await().until(() -> readPath.coalescerStats().currentWaiters() == 3); // the leader counts too

        heldOdds.poll().response().end("odds");
        assertThat(leader.join().headers().firstValue("X-Cache")).hasValue("MISS");
        Received call = span(leaderTrace, "upstream call");
        Received lookup = span(leaderTrace, "cache lookup");
        Received server = span(leaderTrace, "GET /slow-odds");
        assertThat(lookup.parentSpanId()).isEqualTo(server.spanId());
        assertThat(call.parentSpanId()).isEqualTo(server.spanId());
        assertThat(upstreamParents.get("/slow-odds")).isEqualTo("00-" + leaderTrace + "-" + call.spanId() + "-01");
        for (int i = 0; i < waiters.size(); i++) {
            assertThat(waiters.get(i).join().headers().firstValue("X-Cache")).hasValue("COALESCED");
            Received wait = span(waiterTraces.get(i), "coalescer wait");
            assertThat(wait.linkedSpanIds()).containsExactly(call.spanId());
            assertThat(wait.attribute("levee.cache")).isEqualTo("COALESCED");
            assertThat(wait.parentSpanId()).isEqualTo(span(waiterTraces.get(i), "GET /slow-odds").spanId());
            assertThat(receiver.span(waiterTraces.get(i), "upstream call")).isEmpty();
        }

        String hitTrace = "44444444444444444444444444444444";
        assertThat(gw.get("/slow-odds?f=1", "traceparent", traceparent(hitTrace)).headers().firstValue("X-Cache"))
                .hasValue("HIT");
        assertThat(span(hitTrace, "cache lookup").attribute("levee.cache")).isEqualTo("HIT");
        assertThat(receiver.span(hitTrace, "upstream call")).isEmpty();
    }

    @Test
    void aHotSpotRefusalEndsItsWaitAsAnError() throws Exception {
        String allowed = "55555555555555555555555555555555";
        String refused = "66666666666666666666666666666666";
        assertThat(gw.get("/hot?id=7", "traceparent", traceparent(allowed)).statusCode()).isEqualTo(200);
        assertThat(gw.get("/hot?id=7", "traceparent", traceparent(refused)).statusCode()).isEqualTo(429);
        Received ok = span(allowed, "hot-spot wait");
        assertThat(ok.error()).isFalse();
        assertThat(ok.attribute("levee.hot_spot.key")).isEqualTo("7");
        Received no = span(refused, "hot-spot wait");
        assertThat(no.error()).isTrue();
        assertThat(no.attribute("levee.reject_reason")).isNotBlank();
        assertThat(span(refused, "GET /hot").attribute("levee.hot_spot.decision")).isEqualTo("rejected");
    }
}
