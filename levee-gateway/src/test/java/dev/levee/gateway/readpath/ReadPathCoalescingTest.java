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
package dev.levee.gateway.readpath;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Coalescing through the real gateway (real time), against a local upstream that counts and holds calls. */
class ReadPathCoalescingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HeldUpstream upstream = new HeldUpstream();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> upstream.mount(r, "/api"))
            .features(List.of(ReadPathFeature::new))
            .config("""
                    admin: { token: "secret-admin" }
                    routes:
                      - path: /api/odds
                        coalesce: { max-wait: 5s }
                        vary-headers: [Accept-Language]
                      - path: /api/public
                        public: true
                        coalesce: true
                      - path: /api/slow
                        coalesce: { max-wait: 300ms }
                      - path: /api/small
                        coalesce: { max-waiters-per-key: 2, max-waiters: 10 }
                      - path: /api/cached
                        cache: { fresh: 60s, stale: 60s }
                    """)
            .build();

    @AfterEach
    void releaseAll() {
        upstream.hold = false;
        upstream.release();
    }

    private RoutePipeline pipeline(String route) {
        return gw.gateway().feature(ReadPathFeature.class).pipeline(route);
    }

    private CompletableFuture<HttpResponse<String>> async(String uri, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(gw.uri(uri)).timeout(Duration.ofSeconds(60)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return gw.http().sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<HttpResponse<String>> concurrently(int n, String route, String uri, String... headers) {
        upstream.hold = true;
        int before = pipeline(route).coalescer.stats().currentWaiters();
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(async(uri, headers));
        }
        // on a loaded 2-core machine opening 1,000 connections can take a while; the assertion is about calls.
        // A request that fails outright (e.g. the machine ran out of ephemeral ports) ends the wait with its cause.
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                    .until(() -> pipeline(route).coalescer.stats().currentWaiters() - before >= n
                            || all.stream().anyMatch(CompletableFuture::isCompletedExceptionally));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("waiting on " + uri + ": " + (pipeline(route).coalescer.stats().currentWaiters()
                    - before) + " of " + n + " (before: " + before + "), upstream calls " + upstream.calls(uri)
                    + ", responses done " + all.stream().filter(CompletableFuture::isDone).count(), e);
        }
        assertThat(all.stream().filter(CompletableFuture::isCompletedExceptionally)
                .map(f -> f.handle((r, e) -> String.valueOf(e)).join()).distinct().toList())
                .as("requests that failed before reaching the coalescer").isEmpty();
        upstream.hold = false;
        upstream.release();
        return all.stream().map(CompletableFuture::join).toList();
    }

    @Test
    void concurrentIdenticalRequestsShareOneUpstreamCallAndGetIdenticalResponses() {
        String uri = "/api/odds?fixture_id=1&t=identical";
        List<HttpResponse<String>> rs = concurrently(20, "/api/odds", uri);
        assertThat(upstream.calls(uri)).isEqualTo(1);
        assertThat(rs).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(rs.get(0).body());
        });
        Map<String, Long> xCache = rs.stream().collect(Collectors.groupingBy(
                r -> r.headers().firstValue("X-Cache").orElse("none"), Collectors.counting()));
        assertThat(xCache).containsExactlyInAnyOrderEntriesOf(Map.of("MISS", 1L, "COALESCED", 19L));
    }

    @Test
    void responseFormatIsIdenticalForCoalescedAndDirectRequests() {
        String uri = "/api/odds?t=format";
        List<HttpResponse<String>> rs = concurrently(3, "/api/odds", uri);
        HttpResponse<String> direct = rs.stream().filter(r -> r.headers().firstValue("X-Cache").orElseThrow()
                .equals("MISS")).findFirst().orElseThrow();
        HttpResponse<String> coalesced = rs.stream().filter(r -> r.headers().firstValue("X-Cache").orElseThrow()
                .equals("COALESCED")).findFirst().orElseThrow();
        Function<HttpResponse<String>, Map<String, List<String>>> headers = r -> r.headers().map().entrySet().stream()
                .filter(e -> !e.getKey().equalsIgnoreCase("x-cache") && !e.getKey().equalsIgnoreCase("date")
                        && !e.getKey().equalsIgnoreCase("x-request-id")) // each request has its own
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(coalesced.statusCode()).isEqualTo(direct.statusCode());
        assertThat(coalesced.body()).isEqualTo(direct.body());
        assertThat(headers.apply(coalesced)).isEqualTo(headers.apply(direct));
        assertThat(direct.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(direct.headers().firstValue("X-Upstream")).hasValue("yes");
    }

    @Test
    void differentParametersAreDifferentKeysAndQueryOrderIsNormalised() throws Exception {
        gw.get("/api/odds?fixture_id=1&t=keys");
        gw.get("/api/odds?fixture_id=2&t=keys");
        assertThat(upstream.calls("/api/odds?fixture_id=1&t=keys")).isEqualTo(1);
        assertThat(upstream.calls("/api/odds?fixture_id=2&t=keys")).isEqualTo(1);
        List<HttpResponse<String>> rs;
        upstream.hold = true;
        var a = async("/api/odds?a=1&b=2&t=order");
        var b = async("/api/odds?b=2&t=order&a=%31");
        await().until(() -> pipeline("/api/odds").coalescer.stats().currentWaiters() == 2);
        upstream.hold = false;
        upstream.release();
        rs = List.of(a.join(), b.join());
        assertThat(upstream.total.get()).isPositive();
        assertThat(upstream.calls("/api/odds?a=1&b=2&t=order") + upstream.calls("/api/odds?b=2&t=order&a=%31"))
                .isEqualTo(1);
        assertThat(rs.get(1).body()).isEqualTo(rs.get(0).body());
    }

    @Test
    void varyHeadersArePartOfTheKey() {
        upstream.hold = true;
        var en = async("/api/odds?t=vary", "Accept-Language", "en");
        var de = async("/api/odds?t=vary", "Accept-Language", "de");
        await().until(() -> upstream.calls("/api/odds?t=vary") == 2);
        upstream.hold = false;
        upstream.release();
        assertThat(en.join().statusCode()).isEqualTo(200);
        assertThat(de.join().statusCode()).isEqualTo(200);
    }

    @Test
    void anUpstreamErrorReachesEveryWaiterIdentically() {
        String uri = "/api/odds?fail=500&t=error";
        List<HttpResponse<String>> rs = concurrently(10, "/api/odds", uri);
        assertThat(upstream.calls(uri)).isEqualTo(1);
        assertThat(rs).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).isEqualTo(rs.get(0).body());
        });
        assertThat(pipeline("/api/odds").coalescer.stats().pendingKeys()).isZero();
    }

    @Test
    void waitersPastMaxWaitGet504AndTheSharedCallStillCompletes() throws Exception {
        String uri = "/api/slow?t=timeout";
        upstream.hold = true;
        var a = async(uri);
        var b = async(uri);
        HttpResponse<String> ra = a.join();
        HttpResponse<String> rb = b.join();
        assertThat(ra.statusCode()).isEqualTo(504);
        assertThat(rb.statusCode()).isEqualTo(504);
        JsonNode err = JSON.readTree(ra.body());
        assertThat(err.get("error").asText()).isEqualTo("Upstream timeout");
        assertThat(err.get("max_wait_ms").asLong()).isEqualTo(300);
        assertThat(ra.headers().firstValue("Content-Type")).hasValue("application/json");
        // one shared call, still running: on a busy machine it may reach the upstream only after the waiters gave up
        await().until(() -> upstream.calls(uri) == 1);
        assertThat(pipeline("/api/slow").coalescer.stats().pendingKeys()).isEqualTo(1); // the shared call goes on
        upstream.hold = false;
        upstream.release();
        await().until(() -> pipeline("/api/slow").coalescer.stats().pendingKeys() == 0);
    }

    @Test
    void identitiesNeverShareAResponseUnlessTheRouteIsPublic() throws Exception {
        String uri = "/api/odds?t=identity";
        upstream.hold = true;
        var alice = async(uri, "Authorization", "Bearer alice");
        var bob = async(uri, "Authorization", "Bearer bob");
        var carol = async(uri, "Cookie", "session=carol");
        var anon = async(uri);
        await().until(() -> upstream.calls(uri) == 4);
        upstream.hold = false;
        upstream.release();
        assertThat(JSON.readTree(alice.join().body()).get("auth").asText()).isEqualTo("Bearer alice");
        assertThat(JSON.readTree(bob.join().body()).get("auth").asText()).isEqualTo("Bearer bob");
        assertThat(JSON.readTree(carol.join().body()).get("cookie").asText()).isEqualTo("session=carol");
        assertThat(JSON.readTree(anon.join().body()).get("auth").isNull()).isTrue();

        String pub = "/api/public?t=identity";
        List<CompletableFuture<HttpResponse<String>>> rs = new ArrayList<>();
        upstream.hold = true;
        rs.add(async(pub, "Authorization", "Bearer alice"));
        rs.add(async(pub, "Authorization", "Bearer bob"));
        await().until(() -> pipeline("/api/public").coalescer.stats().currentWaiters() == 2);
        upstream.hold = false;
        upstream.release();
        assertThat(rs.get(0).join().body()).isEqualTo(rs.get(1).join().body());
        assertThat(upstream.calls(pub)).isEqualTo(1);
    }

    @Test
    void headersThatWouldTailorTheSharedAnswerToTheLeaderAreNotForwarded() throws Exception {
        HttpResponse<String> r = gw.get("/api/odds?t=leader-only", "Range", "bytes=0-3", "If-None-Match", "\"abc\"",
                "If-Modified-Since", "Sat, 21 Nov 2026 10:00:00 GMT", "Accept-Encoding", "gzip");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("leader_only").asText()).isEqualTo("[]");
    }

    @Test
    void onlyTheLeaderReceivesACookieTheUpstreamSetForItsRequest() {
        String uri = "/api/odds?t=cookie&set_cookie=leader";
        List<HttpResponse<String>> rs = concurrently(3, "/api/odds", uri);
        assertThat(rs).allSatisfy(r -> {
            boolean leader = r.headers().firstValue("X-Cache").orElseThrow().equals("MISS");
            assertThat(r.headers().firstValue("Set-Cookie").isPresent()).isEqualTo(leader);
        });
        assertThat(upstream.calls(uri)).isEqualTo(1);
    }

    @Test
    void waiterOverflowGets503WithRetryAfter() throws Exception {
        String uri = "/api/small?t=overflow";
        upstream.hold = true;
        var a = async(uri);
        var b = async(uri);
        await().until(() -> pipeline("/api/small").coalescer.stats().currentWaiters() == 2);
        HttpResponse<String> c = gw.get(uri);
        assertThat(c.statusCode()).isEqualTo(503);
        assertThat(c.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(JSON.readTree(c.body()).get("retry_after").asInt()).isEqualTo(1);
        upstream.hold = false;
        upstream.release();
        assertThat(a.join().statusCode()).isEqualTo(200);
        assertThat(b.join().statusCode()).isEqualTo(200);
    }

    @Test
    void otherMethodsAndUnmatchedPathsFallThroughToTheProxy() throws Exception {
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.uri("/api/odds?t=post"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("X-Cache")).isEmpty();
        }
        assertThat(upstream.calls("/api/odds?t=post")).isEqualTo(2);
        HttpResponse<String> plain = gw.get("/api/unrouted?t=plain");
        assertThat(plain.headers().firstValue("X-Cache")).isEmpty();
    }

    @Test
    void headIsServedFromTheSameEntryWithoutABody() throws Exception {
        String uri = "/api/cached?t=head";
        HttpResponse<String> get = gw.get(uri);
        HttpResponse<String> head = gw.send(HttpRequest.newBuilder(gw.uri(uri))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(head.headers().firstValueAsLong("Content-Length").orElseThrow()).isEqualTo(get.body().length());
        assertThat(upstream.calls(uri)).isEqualTo(1);
    }

    @Test
    void thousandConcurrentRequestsOnAColdKeyMakeExactlyOneUpstreamCall() {
        String uri = "/api/odds?t=thousand";
        int n = 1000;
        // a Vert.x client with a pool of n connections: the JDK client opens 1,000 connections on one selector
        // thread, which on a loaded machine was too slow to be a fair test of the gateway
        io.vertx.core.http.HttpClientAgent client = gw.vertx().httpClientBuilder()
                .with(new io.vertx.core.http.HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(gw.port()))
                .with(new io.vertx.core.http.PoolOptions().setHttp1MaxSize(n).setMaxWaitQueueSize(-1))
                .build();
        try {
            upstream.hold = true;
            int before = pipeline("/api/odds").coalescer.stats().currentWaiters();
            List<CompletableFuture<String[]>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                all.add(client.request(io.vertx.core.http.HttpMethod.GET, uri)
                        .compose(req -> req.send().compose(resp -> resp.body().map(body -> new String[] {
                                Integer.toString(resp.statusCode()), body.toString()})))
                        .toCompletionStage().toCompletableFuture());
            }
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                    .until(() -> pipeline("/api/odds").coalescer.stats().currentWaiters() - before >= n
                            || all.stream().anyMatch(CompletableFuture::isCompletedExceptionally));
            upstream.hold = false;
            upstream.release();
            List<String[]> rs = all.stream().map(CompletableFuture::join).toList();
            assertThat(upstream.calls(uri)).isEqualTo(1);
            assertThat(rs).allSatisfy(r -> assertThat(r[0]).isEqualTo("200"));
            assertThat(rs.stream().map(r -> r[1]).distinct()).hasSize(1);
        } finally {
            client.close();
        }
    }
}
