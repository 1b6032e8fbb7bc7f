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
package dev.levee.loadtest;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.levee.testing.Ports;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import static dev.levee.loadtest.SimHttp.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Tokens, timeouts, refused connections and the duration limit, against small purpose-built servers. */
class LoadGeneratorBehaviourTest {
    private static final String SECRET = "a-test-secret-that-is-at-least-32-bytes-long";
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        await(vertx.close());
    }

    @Test
    void honouringRetryAfterHoldsEachClientBackAfterA429() throws Exception {
        java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
        HttpServer server = await(vertx.createHttpServer().requestHandler(req -> {
            received.incrementAndGet();
            req.response().setStatusCode(429).putHeader("Retry-After", "1").end("{}");
        }).listen(0, "127.0.0.1"));
        try {
            LoadReport report = await(LoadGenerator.run(vertx, LoadOptions.builder()
                    .url("http://127.0.0.1:" + server.actualPort()).concurrency(10)
                    .duration(java.time.Duration.ofMillis(2500)).honourRetryAfter(true).build()));
            // each client asks at 0 s, ~1 s and ~2 s; a retry storm would send thousands
            assertThat(report.total().sent()).isBetween(10L, 30L);
            assertThat(report.total().throttled()).isEqualTo(report.total().sent());
            assertThat(received.get()).isEqualTo((int) report.total().sent());
        } finally {
            await(server.close());
        }
    }

    @Test
    void agentsAndActiveBettorsSendSignedTokensBrowsersNone() throws Exception {
        ConcurrentLinkedQueue<String> auth = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> uris = new ConcurrentLinkedQueue<>();
        HttpServer server = await(vertx.createHttpServer().requestHandler(req -> {
            auth.add(String.valueOf(req.getHeader("Authorization")));
            uris.add(req.uri());
            req.response().end("{}");
        }).listen(0, "127.0.0.1"));
        try {
            LoadReport report = await(LoadGenerator.run(vertx, LoadOptions.builder()
                    .url("http://127.0.0.1:" + server.actualPort()).concurrency(40).requestCount(400)
                    .jwtSecret(SECRET).jwtIssuer("levee-test").keys(KeyDistribution.uniform(7)).build()));
            assertThat(report.total().ok()).isEqualTo(400);
            assertThat(report.options().signsTokens()).isTrue();

            MACVerifier verifier = new MACVerifier(SECRET);
            Set<String> agents = new HashSet<>();
            Set<String> bettors = new HashSet<>();
            long none = 0;
            for (String a : auth) {
                if (a.equals("null")) {
                    none++;
                    continue;
                }
                assertThat(a).startsWith("Bearer ");
                SignedJWT jwt = SignedJWT.parse(a.substring(7));
                assertThat(jwt.verify(verifier)).isTrue();
                JWTClaimsSet claims = jwt.getJWTClaimsSet();
                assertThat(claims.getIssuer()).isEqualTo("levee-test");
                assertThat(claims.getExpirationTime()).isInTheFuture();
                if ("agent".equals(claims.getClaim("role"))) {
                    agents.add(claims.getSubject());
                } else {
                    assertThat(claims.getLongClaim("recent_bet_count")).isEqualTo(3L);
                    bettors.add(claims.getSubject());
                }
            }
            // one identity per client: 4 agents, 12 active bettors; browsers send nothing
            assertThat(agents).hasSize(4);
            assertThat(bettors).hasSize(12);
            assertThat(none).isEqualTo(report.of(ClientClass.BROWSER).sent());
            assertThat(uris).allSatisfy(u -> assertThat(u).matches("/api/v3/fixtures/odds\\?fixture_id=[1-7]"));
        } finally {
            await(server.close());
        }
    }

    @Test
    void requestsPastTheTimeoutAreErrorsAndTheRunStillEnds() {
        HttpServer server = await(vertx.createHttpServer().requestHandler(req -> {
            // never answers
        }).listen(0, "127.0.0.1"));
        try {
            LoadReport report = await(LoadGenerator.run(vertx, LoadOptions.builder()
                    .url("http://127.0.0.1:" + server.actualPort()).concurrency(10).requestCount(30)
                    .timeout(Duration.ofMillis(200)).mix(ClientMix.only(ClientClass.BROWSER)).build()));
            ClassReport total = report.total();
            assertThat(total.sent()).isEqualTo(30);
            assertThat(total.errors()).isEqualTo(30);
            assertThat(total.errorTypes()).isEqualTo(Map.of("timeout", 30L));
            assertThat(total.answered()).isZero();
            assertThat(report.classes()).containsOnlyKeys(ClientClass.BROWSER);
        } finally {
            await(server.close());
        }
    }

    @Test
    void refusedConnectionsAreCountedAsConnectErrors() throws Exception {
        int port = Ports.closed();
        LoadReport report = await(LoadGenerator.run(vertx, LoadOptions.builder()
                .url("http://127.0.0.1:" + port).concurrency(5).requestCount(20).build()));
        assertThat(report.total().sent()).isEqualTo(20);
        assertThat(report.total().errors()).isEqualTo(20);
        assertThat(report.total().errorTypes()).containsOnlyKeys("connect");
    }

    @Test
    void aDurationRunStopsStartingRequestsAtTheDeadline() {
        HttpServer server = await(vertx.createHttpServer()
                .requestHandler(req -> vertx.setTimer(20, t -> req.response().setStatusCode(503).end()))
                .listen(0, "127.0.0.1"));
        try {
            LoadReport report = await(LoadGenerator.run(vertx, LoadOptions.builder()
                    .url("http://127.0.0.1:" + server.actualPort()).concurrency(20)
                    .duration(Duration.ofMillis(800)).rampUp(Duration.ofMillis(200)).build()));
            ClassReport total = report.total();
            assertThat(report.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(800));
            assertThat(total.sent()).isPositive().isEqualTo(total.serverErrors());
            // at most 20 clients x (800 ms / 20 ms) requests could fit
            assertThat(total.sent()).isLessThanOrEqualTo(20 * 41);
        } finally {
            await(server.close());
        }
    }

    @Test
    void theReportPrintsAsATableAndAsJson() throws Exception {
        HttpServer server = await(vertx.createHttpServer()
                .requestHandler(req -> req.response().setStatusCode(req.uri().endsWith("=1") ? 429 : 200)
                        .putHeader("Retry-After", "7").end())
                .listen(0, "127.0.0.1"));
        try {
            LoadReport report = await(LoadGenerator.run(vertx, LoadOptions.builder()
                    .url("http://127.0.0.1:" + server.actualPort()).concurrency(10).requestCount(200)
                    .keys(KeyDistribution.uniform(2)).build()));
            String table = report.toTable();
            assertThat(table).contains("agent", "active_bettor", "browser", "total", "p99 ms", "no tokens");
            assertThat(table.lines().filter(l -> l.startsWith("total")).findFirst().orElseThrow())
                    .contains(" 200 ");
            var json = SimHttp.JSON.readTree(report.toJson());
            assertThat(json.at("/total/sent").asLong()).isEqualTo(200);
            assertThat(json.at("/total/2xx").asLong() + json.at("/total/429").asLong()).isEqualTo(200);
            assertThat(json.at("/total/retry_after_seconds/7").asLong()).isEqualTo(json.at("/total/429").asLong());
            assertThat(json.at("/classes/browser/clients").asInt()).isEqualTo(6);
            assertThat(json.at("/total/latency_ms/p99").isNumber()).isTrue();
            assertThat(json.at("/options/concurrency").asInt()).isEqualTo(10);
        } finally {
            await(server.close());
        }
    }

    @Test
    void classifiesFailures() {
        assertThat(LoadGenerator.classify(new java.util.concurrent.TimeoutException())).isEqualTo("timeout");
        assertThat(LoadGenerator.classify(new java.net.ConnectException("refused"))).isEqualTo("connect");
        assertThat(LoadGenerator.classify(new IllegalStateException("Connection was closed"))).isEqualTo("closed");
        assertThat(List.of(LoadGenerator.classify(new IllegalStateException("boom")))).containsExactly("IllegalStateException");
    }
}
