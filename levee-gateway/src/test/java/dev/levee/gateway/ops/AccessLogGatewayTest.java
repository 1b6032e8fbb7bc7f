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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.levee.gateway.admission.AdmissionFeature;
import dev.levee.gateway.chain.Filter;
import dev.levee.gateway.chain.RequestIds;
import dev.levee.gateway.chain.Stage;
import dev.levee.gateway.http.JsonResponses;
import dev.levee.gateway.hotspot.HotSpotFeature;
import dev.levee.gateway.readpath.ReadPathFeature;
import dev.levee.gateway.store.StoreFeature;
import dev.levee.gateway.testing.GatewayExtension;
import dev.levee.testing.Tokens;
import io.vertx.ext.web.RoutingContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The access log and request ids through the real gateway, written to a file: the line of a proxied 200, a cache
 * HIT, an admission shed and a hot-spot 429; ids taken, generated and replaced, in the response, the upstream
 * request and the line; secrets never in the line.
 */
class AccessLogGatewayTest {
    static final String SECRET = "a-test-secret-that-is-at-least-32-bytes-long";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path DIR = tempDir();
    static final Path LOG = DIR.resolve("access.log");
    /** Upstream path -> the X-Request-Id it received last. */
    static final Map<String, String> upstreamIds = new ConcurrentHashMap<>();
    static final ConcurrentLinkedQueue<RoutingContext> held = new ConcurrentLinkedQueue<>();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> {
                r.get("/hold").handler(held::add);
                r.route().handler(ctx -> {
                    upstreamIds.put(ctx.request().path(), String.valueOf(ctx.request().getHeader("X-Request-Id")));
                    ctx.response().putHeader("X-Request-Id", "the-upstream-s-own").end("hello");
                });
            })
            .features(List.of(StoreFeature::new, AdmissionFeature::new, HotSpotFeature::new, ReadPathFeature::new))
            // a handler bug, at the place of the events stage (left out here)
            .filters(List.of(Filter.routes(Stage.EVENTS, router -> router.get("/boom").handler(ctx -> {
                throw new IllegalStateException("handler bug");
            }))))
            .config("""
                    auth: { jwt: { hmac-secret: "%s" } }
                    admission: { max-concurrent: 1, queue-capacity: 1 }
                    access-log: { target: file, path: "%s", include-query: true }
                    routes:
                      - path: /odds
                        cache: { fresh: 60s, stale: 60s }
                      - path: /hot
                        hot-spot: { key: "query:id", limit: 1, window: 60s, queue: 0 }
                    """.formatted(SECRET, LOG.toString().replace("\\", "/")))
            .build();

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("levee-access-log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String agentToken() {
        return Tokens.hs256(SECRET, Tokens.claims(System.currentTimeMillis(), Map.of("role", "agent")).build());
    }

    private static HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        return gw.get(pathAndQuery, headers);
    }

    /** The access line of request {@code id}, once the writer thread has written it. */
    private static JsonNode line(String id) {
        JsonNode[] found = {null};
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            found[0] = lines().stream().filter(l -> id.equals(l.path("request_id").asText())).findFirst()
                    .orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    private static String raw(String id) throws IOException {
        line(id);
        return Files.readAllLines(LOG).stream().filter(l -> l.contains("\"" + id + "\"")).findFirst().orElseThrow();
    }

    private static List<JsonNode> lines() throws IOException {
        if (!Files.exists(LOG)) {
            return List.of();
        }
        return Files.readAllLines(LOG).stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new UncheckedIOException("not a JSON line: " + l, e);
            }
        }).toList();
    }

    @Test
    void aProxied200HasTheRequestsFieldsAndTheClientsIdGoesUpstreamAndBack() throws Exception {
        HttpResponse<String> r = get("/hello", "X-Request-Id", "client-id.1:a_b", "Authorization",
                "Bearer " + agentToken());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().allValues("X-Request-Id")).containsExactly("client-id.1:a_b");
        assertThat(upstreamIds.get("/hello")).isEqualTo("client-id.1:a_b");

        JsonNode l = line("client-id.1:a_b");
        assertThat(l.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
        assertThat(l.get("method").asText()).isEqualTo("GET");
        assertThat(l.get("path").asText()).isEqualTo("/hello");
        assertThat(l.has("query")).isFalse();
        assertThat(l.get("route").asText()).isEqualTo("proxy");
        assertThat(l.get("client_class").asText()).isEqualTo("agent");
        assertThat(l.get("verified").asBoolean()).isTrue();
        assertThat(l.get("status").asInt()).isEqualTo(200);
        assertThat(l.get("bytes").asLong()).isEqualTo(5);
        assertThat(l.get("duration_ms").asDouble()).isPositive();
        assertThat(l.get("admission_wait_ms").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(l.get("upstream").asText()).isEqualTo("127.0.0.1:" + java.net.URI.create(gw.upstreamUrl()).getPort());
        assertThat(l.get("upstream_ms").asDouble()).isPositive().isLessThanOrEqualTo(l.get("duration_ms").asDouble());
        assertThat(l.has("cache")).isFalse();
        assertThat(l.has("reject_reason")).isFalse();
    }

    @Test
    void withoutAnIdTheGatewayGeneratesOneAndAMalformedOneIsReplaced() throws Exception {
        HttpResponse<String> r = get("/generated");
        String id = r.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(upstreamIds.get("/generated")).isEqualTo(id);
        assertThat(line(id).get("verified").asBoolean()).isFalse();

        for (String bad : List.of("has space", "x".repeat(129), "semi;colon", "")) {
            HttpResponse<String> m = get("/malformed", "X-Request-Id", bad);
            String replaced = m.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(replaced).as(bad).matches("[0-9a-f]{32}");
            assertThat(upstreamIds.get("/malformed")).isEqualTo(replaced);
            assertThat(line(replaced).get("path").asText()).isEqualTo("/malformed");
        }
        assertThat(get("/ok", "X-Request-Id", "x".repeat(128)).headers().firstValue("X-Request-Id"))
                .hasValue("x".repeat(128));
    }

    @Test
    void secretsNeverReachTheLine() throws Exception {
        String token = agentToken();
        get("/search?token=tok-secret-1&api_key=key-secret-2&q=odds&access_token=t3-secret", "X-Request-Id",
                "secrets-1", "Authorization", "Bearer " + token);
        String raw = raw("secrets-1");
        assertThat(raw).doesNotContain("tok-secret-1", "key-secret-2", "t3-secret", token, "Bearer");
        assertThat(line("secrets-1").get("query").asText())
                .isEqualTo("token=REDACTED&api_key=REDACTED&q=odds&access_token=REDACTED");
    }

    @Test
    void aCacheHitSaysHitAndHasNoUpstreamCall() throws Exception {
        assertThat(get("/odds?fixture=1", "X-Request-Id", "odds-miss").headers().firstValue("X-Cache"))
                .hasValue("MISS");
        assertThat(get("/odds?fixture=1", "X-Request-Id", "odds-hit").headers().firstValue("X-Cache"))
                .hasValue("HIT");
        JsonNode miss = line("odds-miss");
        assertThat(miss.get("cache").asText()).isEqualTo("MISS");
        assertThat(miss.get("route").asText()).isEqualTo("/odds");
        assertThat(miss.get("upstream_ms").asDouble()).isPositive();
        JsonNode hit = line("odds-hit");
        assertThat(hit.get("cache").asText()).isEqualTo("HIT");
        assertThat(hit.get("status").asInt()).isEqualTo(200);
        assertThat(hit.has("upstream")).isFalse();
        assertThat(hit.has("upstream_ms")).isFalse();
    }

    @Test
    void aHotSpot429NamesTheKeyTheDecisionAndTheReason() throws Exception {
        assertThat(get("/hot?id=42", "X-Request-Id", "hot-1").statusCode()).isEqualTo(200);
        assertThat(get("/hot?id=42", "X-Request-Id", "hot-2").statusCode()).isEqualTo(429);
        JsonNode allowed = line("hot-1");
        assertThat(allowed.get("hot_spot_key").asText()).isEqualTo("42");
        assertThat(allowed.get("hot_spot_decision").asText()).isEqualTo("allowed");
        JsonNode refused = line("hot-2");
        assertThat(refused.get("status").asInt()).isEqualTo(429);
        assertThat(refused.get("hot_spot_key").asText()).isEqualTo("42");
        assertThat(refused.get("hot_spot_decision").asText()).isEqualTo("rejected");
        assertThat(refused.get("reject_reason").asText()).isNotBlank();
    }

    @Test
    void anAdmissionShedHasItsReason() throws Exception {
        AdmissionFeature admission = gw.gateway().feature(AdmissionFeature.class);
        CompletableFuture<HttpResponse<String>> first = gw.http().sendAsync(
                HttpRequest.newBuilder(gw.uri("/hold")).header("X-Request-Id", "held-1").build(),
                HttpResponse.BodyHandlers.ofString());
        await().until(() -> held.size() == 1);
        CompletableFuture<HttpResponse<String>> second = gw.http().sendAsync(
                HttpRequest.newBuilder(gw.uri("/hold")).header("X-Request-Id", "queued-1").build(),
                HttpResponse.BodyHandlers.ofString());
        await().until(() -> admission.admission().stats().forClass("browser").queueDepth() == 1);

        HttpResponse<String> shed = get("/hold", "X-Request-Id", "shed-1");
        assertThat(shed.statusCode()).isEqualTo(429);
        JsonNode l = line("shed-1");
        assertThat(l.get("status").asInt()).isEqualTo(429);
        assertThat(l.get("reject_reason").asText()).isEqualTo("queue_full");
        assertThat(l.get("client_class").asText()).isEqualTo("browser");
        assertThat(l.has("upstream")).isFalse();

        Optional.ofNullable(held.poll()).ifPresent(ctx -> ctx.response().end("done"));
        await().until(() -> held.size() == 1); // the queued one got the permit
        Optional.ofNullable(held.poll()).ifPresent(ctx -> ctx.response().end("done"));
        assertThat(first.join().statusCode()).isEqualTo(200);
        assertThat(second.join().statusCode()).isEqualTo(200);
        assertThat(line("queued-1").get("admission_wait_ms").asDouble()).isPositive();
    }

    @Test
    void theErrorLineAboutARequestCarriesItsIdInTheMdc() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(JsonResponses.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            assertThat(get("/boom", "X-Request-Id", "boom-1").statusCode()).isEqualTo(500);
            await().until(() -> !events.list.isEmpty());
            ILoggingEvent e = events.list.get(0);
            assertThat(e.getLevel().toString()).isEqualTo("ERROR");
            assertThat(e.getMDCPropertyMap()).containsEntry(RequestIds.MDC_KEY, "boom-1");
        } finally {
            logger.detachAppender(events);
        }
        JsonNode l = line("boom-1");
        assertThat(l.get("status").asInt()).isEqualTo(500);
        assertThat(l.get("reject_reason").asText()).isEqualTo("Internal error");
    }
}
