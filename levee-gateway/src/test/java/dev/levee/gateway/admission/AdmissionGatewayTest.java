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
package dev.levee.gateway.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.levee.core.admission.AdmissionStats;
import dev.levee.core.time.ManualTicker;
import dev.levee.gateway.testing.GatewayExtension;
import dev.levee.testing.Tokens;
import io.vertx.ext.web.RoutingContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Admission through the real gateway: 2 permits, 2 places per class queue, a fixed Retry-After of 7 s, HS256
 * tokens with issuer and audience, and a manual clock (token validity and queue timeouts follow it).
 */
class AdmissionGatewayTest {
    static final String SECRET = "a-test-secret-that-is-at-least-32-bytes-long";
    static final String ISSUER = "https://auth.levee.test";
    static final String AUDIENCE = "levee";
    static final ObjectMapper JSON = new ObjectMapper();
    static final ManualTicker clock = new ManualTicker();
    static final ConcurrentLinkedQueue<RoutingContext> held = new ConcurrentLinkedQueue<>();
    static final AtomicInteger upstreamHits = new AtomicInteger();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> {
                r.route().handler(ctx -> {
                    upstreamHits.incrementAndGet();
                    ctx.next();
                });
                r.get("/hold").handler(held::add);
                r.get("/echo").handler(ctx -> ctx.end("ok"));
            })
            .config("""
                    upstream: { url: "${upstream}", timeout: 60s }
                    auth: { jwt: { hmac-secret: "%s", issuer: "%s", audience: "%s" } }
                    admission: { max-concurrent: 2, queue-capacity: 2, max-wait: 10s, retry-after: 7s }
                    admin: { token: ops-token }
                    """.formatted(SECRET, ISSUER, AUDIENCE))
            .features(List.of(AdmissionFeature::new)).filters(List.of(ProbeFeature.filter()))
            .ticker(clock)
            .scheduler(clock)
            .build();

    static JWTClaimsSet.Builder claims(Map<String, Object> extra) {
        return Tokens.claims(clock.epochMillis(), extra).issuer(ISSUER).audience(AUDIENCE);
    }

    static String bearer(Map<String, Object> claims) {
        return "Bearer " + Tokens.hs256(SECRET, claims(claims).build());
    }

    static final String AGENT = bearer(Map.of("role", "agent"));
    static final String BETTOR = bearer(Map.of("role", "user", "recent_bet_count", 4));

    AdmissionStats stats() {
        return gw.gateway().feature(AdmissionFeature.class).admission().stats();
    }

    CompletableFuture<HttpResponse<String>> async(String path, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(gw.uri(path)).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return gw.http().sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String authorization) {
        return async(path, authorization).join();
    }

    /** Both permits taken by agents parked at the upstream. */
    List<CompletableFuture<HttpResponse<String>>> saturate() {
        List<CompletableFuture<HttpResponse<String>>> agents = List.of(async("/hold", AGENT), async("/hold", AGENT));
        await().until(() -> held.size() == 2);
        assertThat(stats().inFlight()).isEqualTo(2);
        return agents;
    }

    @AfterEach
    void releaseEverything() {
        await().untilAsserted(() -> {
            RoutingContext ctx;
            while ((ctx = held.poll()) != null) {
                ctx.end("released");
            }
            AdmissionStats s = stats();
            assertThat(s.inFlight()).isZero();
            assertThat(s.queued()).isZero();
        });
    }

    static Stream<Arguments> classification() {
        return Stream.of(
                Arguments.of("agent", bearer(Map.of("role", "agent")), "user-1"),
                Arguments.of("agent", bearer(Map.of("role", "agent", "recent_bet_count", 0)), "user-1"),
                Arguments.of("active_bettor", bearer(Map.of("recent_bet_count", 1)), "user-1"),
                Arguments.of("active_bettor", bearer(Map.of("role", "user", "recent_bet_count", 12)), "user-1"),
                Arguments.of("browser", null, null),
                Arguments.of("browser", "Basic dXNlcjpwYXNz", null), // not a bearer token: anonymous
                Arguments.of("browser", bearer(Map.of("role", "user", "recent_bet_count", 0)), "user-1"),
                Arguments.of("browser", bearer(Map.of("role", "Agent")), "user-1"),
                Arguments.of("browser", bearer(Map.of("recent_bet_count", "5")), "user-1"), // ill-typed
                Arguments.of("browser", bearer(Map.of()), "user-1"));
    }

    @ParameterizedTest
    @MethodSource("classification")
    void classifiesFromVerifiedClaimsAndStoresIdentity(String expectedClass, String authorization, String identity)
            throws Exception {
        long before = stats().forClass(expectedClass).admitted();
        HttpResponse<String> r = get("/probe", authorization);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("class").asText()).isEqualTo(expectedClass);
        assertThat(body.get("identity").isNull() ? null : body.get("identity").asText()).isEqualTo(identity);
        assertThat(stats().forClass(expectedClass).admitted()).isEqualTo(before + 1);
    }

    static Stream<Arguments> invalidTokens() throws Exception {
        long now = clock.epochMillis();
        RSAKey otherKey = new RSAKeyGenerator(2048).keyID("k").generate();
        return Stream.of(
                Arguments.of("bad signature", "Bearer " + Tokens.tamper(Tokens.hs256(SECRET,
                        claims(Map.of("role", "user")).build())), "bad_signature"),
                Arguments.of("other secret", "Bearer " + Tokens.hs256("another-secret-that-is-32-bytes-long!!",
                        claims(Map.of("role", "agent")).build()), "bad_signature"),
                Arguments.of("alg none", "Bearer " + Tokens.none(claims(Map.of("role", "agent")).build()),
                        "unsupported_algorithm"),
                Arguments.of("RS256 without an RSA key configured", "Bearer " + Tokens.rs256(otherKey,
                        claims(Map.of("role", "agent")).build()), "unsupported_algorithm"),
                Arguments.of("expired", "Bearer " + Tokens.hs256(SECRET, claims(Map.of("role", "agent"))
                        .expirationTime(new Date(now - 31_000)).build()), "expired"),
                Arguments.of("not yet valid", "Bearer " + Tokens.hs256(SECRET, claims(Map.of("role", "agent"))
                        .notBeforeTime(new Date(now + 120_000)).build()), "not_yet_valid"),
                Arguments.of("wrong issuer", "Bearer " + Tokens.hs256(SECRET, claims(Map.of("role", "agent"))
                        .issuer("https://evil.test").build()), "wrong_issuer"),
                Arguments.of("no issuer", "Bearer " + Tokens.hs256(SECRET, claims(Map.of("role", "agent"))
                        .issuer(null).build()), "wrong_issuer"),
                Arguments.of("wrong audience", "Bearer " + Tokens.hs256(SECRET, claims(Map.of("role", "agent"))
                        .audience("someone-else").build()), "wrong_audience"),
                Arguments.of("malformed", "Bearer not-a-jwt", "malformed"),
                Arguments.of("malformed parts", "Bearer a.b.c", "malformed"),
                Arguments.of("empty", "Bearer ", "malformed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidTokens")
    void invalidTokenIs401NeverADowngrade(String name, String authorization, String reason) throws Exception {
        int hits = upstreamHits.get();
        HttpResponse<String> r = get("/echo", authorization);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer error=\"invalid_token\"");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("error").asText()).isEqualTo("Invalid token");
        assertThat(body.get("reason").asText()).isEqualTo(reason);
        assertThat(upstreamHits.get()).isEqualTo(hits);
    }

    @Test
    void tokenValidityFollowsTheClock() {
        String shortLived = "Bearer " + Tokens.hs256(SECRET, claims(Map.of("role", "agent"))
                .expirationTime(new Date(clock.epochMillis() + 60_000)).build());
        assertThat(get("/probe", shortLived).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(60 + 30)); // past exp plus the 30 s clock skew
        assertThat(get("/probe", shortLived).statusCode()).isEqualTo(401);
    }

    @Test
    void shedRequestGets429WithRetryAfterAndExactBody() throws Exception {
        long queueFullBefore = stats().forClass("browser").shedQueueFull();
        long pushedOutBefore = stats().forClass("browser").shedPushedOut();
        List<CompletableFuture<HttpResponse<String>>> agents = saturate();
        CompletableFuture<HttpResponse<String>> b1 = async("/hold", null);
        await().until(() -> stats().forClass("browser").queueDepth() == 1);
        CompletableFuture<HttpResponse<String>> b2 = async("/hold", null); // the newest browser
        await().until(() -> stats().forClass("browser").queueDepth() == 2);

        HttpResponse<String> shed = get("/hold", null);
        assertThat(shed.statusCode()).isEqualTo(429);
        assertThat(shed.headers().firstValue("Retry-After")).contains("7");
        assertThat(shed.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(shed.body()).isEqualTo("{\"error\":\"Server busy\",\"retry_after\":7,\"priority\":\"browser\"}");
        assertThat(stats().forClass("browser").shedQueueFull()).isEqualTo(queueFullBefore + 1);

        // bettors arriving at a full bettor queue push out the newest browsers instead of being shed
        CompletableFuture<HttpResponse<String>> t1 = async("/hold", BETTOR);
        CompletableFuture<HttpResponse<String>> t2 = async("/hold", BETTOR);
        await().until(() -> stats().forClass("active_bettor").queueDepth() == 2);
        CompletableFuture<HttpResponse<String>> t3 = async("/hold", BETTOR);
        HttpResponse<String> pushed = b2.join();
        assertThat(pushed.statusCode()).isEqualTo(429);
        assertThat(pushed.body()).isEqualTo("{\"error\":\"Server busy\",\"retry_after\":7,\"priority\":\"browser\"}");
        assertThat(b1).isNotDone();
        await().until(() -> stats().forClass("active_bettor").queueDepth() == 3);
        assertThat(stats().forClass("browser").shedPushedOut()).isEqualTo(pushedOutBefore + 1);

        // freed permits go to bettors first, then the browser
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>(agents);
        all.addAll(List.of(t1, t2, t3, b1));
        for (int released = 0; released < 6; released++) {
            await().until(() -> !held.isEmpty());
            if (released == 3) { // two agents and one bettor done: all three bettors admitted, the browser waits
                await().untilAsserted(() -> {
                    assertThat(stats().forClass("active_bettor").queueDepth()).isZero();
                    assertThat(stats().forClass("browser").queueDepth()).isEqualTo(1);
                });
            }
            held.poll().end("released");
        }
        for (CompletableFuture<HttpResponse<String>> f : all) {
            assertThat(f.join().statusCode()).isEqualTo(200);
        }
    }

    @Test
    void cacheWarmingRequestsPassAdmissionWhileSaturatedAndForgedOnesDoNot() throws Exception {
        saturate();
        async("/hold", null);
        async("/hold", null);
        await().until(() -> stats().forClass("browser").queueDepth() == 2);

        HttpResponse<String> warming = gw.send(HttpRequest.newBuilder(gw.uri("/echo"))
                .header(dev.levee.gateway.hotspot.Warming.HEADER,
                        dev.levee.gateway.hotspot.Warming.token()).build());
        assertThat(warming.statusCode()).isEqualTo(200);
        assertThat(warming.body()).isEqualTo("ok");

        HttpResponse<String> forged = gw.send(HttpRequest.newBuilder(gw.uri("/echo"))
                .header(dev.levee.gateway.hotspot.Warming.HEADER, "guess").build());
        assertThat(forged.statusCode()).isEqualTo(429);
    }

    @Test
    void opsPathsBypassAdmissionWhileSaturated() throws Exception {
        saturate();
        async("/hold", null);
        async("/hold", null);
        await().until(() -> stats().forClass("browser").queueDepth() == 2);
        assertThat(get("/hold", null).statusCode()).isEqualTo(429);

        int hits = upstreamHits.get();
        for (String path : List.of("/health/liveness", "/health/readiness", "/api/v1/health/liveness")) {
            assertThat(get(path, null).statusCode()).as(path).isEqualTo(200);
            assertThat(get(path, "Bearer not-a-jwt").statusCode()).as(path + " ignores tokens").isEqualTo(200);
        }
        // the rest of the ops surface: on the public port only with the admin token, on the admin listener to anyone
        for (String path : List.of("/health", "/health/backpressure", "/api/v1/health", "/api/v1/health/backpressure",
                "/metrics", "/api/v1/metrics/prometheus", "/metrics/")) {
            assertThat(get(path, null).statusCode()).as(path + " without a token").isEqualTo(401);
            assertThat(get(path, "Bearer not-a-jwt").statusCode()).as(path + " with a JWT").isEqualTo(403);
            assertThat(get(path, "Bearer ops-token").statusCode()).as(path + " with the admin token").isEqualTo(200);
            assertThat(gw.admin(path).statusCode()).as(path + " on the admin listener").isEqualTo(200);
        }
        // ops prefixes without an endpoint yet are answered here, never queued and never proxied
        for (String path : List.of("/dashboard", "/dashboard/app.js", "/docs", "/docs/openapi.json",
                "/health/nothing-here")) {
            HttpResponse<String> r = get(path, null);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(JSON.readTree(r.body()).get("error").asText()).isEqualTo("Not found");
        }
        assertThat(upstreamHits.get()).isEqualTo(hits);
        assertThat(AdmissionFeature.isOpsPath("/healthcare")).isFalse();
        assertThat(AdmissionFeature.isOpsPath("/docsearch")).isFalse();

        JsonNode health = JSON.readTree(gw.admin("/health").body());
        JsonNode section = health.get("components").get("admission");
        assertThat(section.get("status").asText()).isEqualTo("DEGRADED");
        assertThat(section.get("in_flight").asInt()).isEqualTo(2);
        assertThat(section.get("classes").get("browser").get("queue_depth").asInt()).isEqualTo(2);
    }

    @Test
    void queuedLongerThanMaxWaitIs503QueueTimeout() throws Exception {
        long timeoutsBefore = stats().forClass("active_bettor").shedTimeout();
        saturate();
        CompletableFuture<HttpResponse<String>> waiting = async("/hold", BETTOR);
        await().until(() -> stats().forClass("active_bettor").queueDepth() == 1);
        clock.advance(Duration.ofSeconds(9));
        assertThat(waiting).isNotDone();
        clock.advance(Duration.ofSeconds(1));
        HttpResponse<String> r = waiting.join();
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains("7");
        assertThat(r.body()).isEqualTo("{\"error\":\"Queue timeout\",\"retry_after\":7,\"priority\":\"active_bettor\"}");
        assertThat(stats().forClass("active_bettor").shedTimeout()).isEqualTo(timeoutsBefore + 1);
    }

    @Test
    @SuppressWarnings("try") // the socket holds the request open for the block, never read
    void permitIsReleasedWhenTheClientDisconnectsWhileServed() throws Exception {
        try (Socket s = rawGet("/hold")) {
            await().until(() -> held.size() == 1);
            assertThat(stats().inFlight()).isEqualTo(1);
        }
        await().untilAsserted(() -> assertThat(stats().inFlight()).isZero());
        held.clear();
        assertThat(get("/probe", null).statusCode()).isEqualTo(200); // the permit is usable again
    }

    @Test
    void aClientThatExpects100ContinueGetsTheSheddingStatusInsteadAndSendsNoBody() throws Exception {
        // (with room, it gets the 100 and is served: HostileRequestTest.expectContinueGets100ThenTheRequestIsServed)
        saturate();
        async("/hold", null);
        async("/hold", null);
        await().until(() -> stats().forClass("browser").queueDepth() == 2);
        long shedBefore = stats().forClass("browser").shedQueueFull();
        try (Socket s = new Socket("127.0.0.1", gw.port())) {
            s.setSoTimeout(20_000); // the answer comes at once; a connection left open fails on this margin
            s.getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 5\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 429").doesNotContain("100 Continue").contains("Retry-After: 7");
        }
        assertThat(stats().forClass("browser").shedQueueFull()).isEqualTo(shedBefore + 1);
    }

    @Test
    @SuppressWarnings("try") // the socket holds the request open for the block, never read
    void queuedClientThatDisconnectsLeavesTheQueue() throws Exception {
        saturate();
        long cancelledBefore = stats().forClass("browser").cancelled();
        try (Socket s = rawGet("/hold")) {
            await().until(() -> stats().forClass("browser").queueDepth() == 1);
        }
        await().untilAsserted(() -> {
            assertThat(stats().forClass("browser").queueDepth()).isZero();
            assertThat(stats().forClass("browser").cancelled()).isEqualTo(cancelledBefore + 1);
        });
        assertThat(stats().inFlight()).isEqualTo(2);
        held.poll().end("released");
        held.poll().end("released");
        await().untilAsserted(() -> assertThat(stats().inFlight()).isZero());
    }

    @Test
    void handlerExceptionReleasesThePermit() {
        HttpResponse<String> r = get("/boom", AGENT);
        assertThat(r.statusCode()).isEqualTo(500);
        await().untilAsserted(() -> assertThat(stats().inFlight()).isZero());
    }

    @Test
    void prometheusExportsPerClassFigures() throws Exception {
        get("/probe", AGENT);
        saturate();
        async("/hold", null);
        async("/hold", null);
        await().until(() -> stats().forClass("browser").queueDepth() == 2);
        get("/hold", null); // shed
        String metrics = gw.admin("/metrics").body();
        assertThat(metrics)
                .contains("levee_admission_queue_depth{class=\"browser\"} 2.0")
                .contains("levee_admission_in_flight{class=\"agent\"} 2.0")
                .containsPattern("levee_admission_admitted_total\\{class=\"agent\"} [1-9]")
                .containsPattern("levee_admission_shed_total\\{class=\"browser\",reason=\"queue_full\"} [1-9]")
                .contains("levee_admission_shed_total{class=\"agent\",reason=\"pushed_out\"}")
                .contains("levee_admission_shed_total{class=\"active_bettor\",reason=\"timeout\"}")
                .contains("levee_admission_wait_seconds_bucket{class=\"agent\"")
                .contains("levee_admission_wait_seconds_count{class=\"agent\"}")
                .contains("levee_admission_max_concurrent 2.0");
    }

    private Socket rawGet(String path) throws Exception {
        Socket s = new Socket("127.0.0.1", gw.port());
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }
}
