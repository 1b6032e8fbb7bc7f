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
import dev.levee.core.breaker.BreakerState;
import dev.levee.core.time.ManualTicker;
import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cache, breaker and per-caller deadlines through the real gateway on a manual clock: time moves only when the
 * test advances it, so freshness, staleness, error TTLs, breaker open time and max-wait are exact and nothing sleeps.
 * A fresh gateway per test (the breaker is per route).
 */
class ReadPathCacheBreakerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HeldUpstream upstream = new HeldUpstream();
    private final ManualTicker time = new ManualTicker();

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> upstream.mount(r, "/api"))
            .features(List.of(ReadPathFeature::new))
            .ticker(time).scheduler(time)
            .config("""
                    routes:
                      - path: /api/cached
                        cache: { fresh: 5s, stale: 60s, error-ttl: 1s }
                        coalesce: { max-wait: 5s }
                        breaker: { minimum-calls: 3, window-size: 3, failure-rate-threshold: 50, open-for: 10s, half-open-probes: 1 }
                      - path: /api/wait
                        coalesce: { max-wait: 5s }
                    """)
            .build();

    private RoutePipeline pipeline(String route) {
        return gw.gateway().feature(ReadPathFeature.class).pipeline(route);
    }

    private CompletableFuture<HttpResponse<String>> async(String uri) {
        return gw.http().sendAsync(HttpRequest.newBuilder(gw.uri(uri)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String xCache(HttpResponse<String> r) {
        return r.headers().firstValue("X-Cache").orElse("none");
    }

    private static int n(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).get("n").asInt();
    }

    @Test
    void missThenHitWithAgeThenStaleWhileOneRefreshRuns() throws Exception {
        String uri = "/api/cached?k=swr";
        HttpResponse<String> miss = gw.get(uri);
        assertThat(xCache(miss)).isEqualTo("MISS");
        assertThat(miss.headers().firstValue("Age")).hasValue("0");
        time.advance(Duration.ofSeconds(3));
        HttpResponse<String> hit = gw.get(uri);
        assertThat(xCache(hit)).isEqualTo("HIT");
        assertThat(hit.headers().firstValue("Age")).hasValue("3");
        assertThat(hit.body()).isEqualTo(miss.body());

        upstream.hold = true;
        time.advance(Duration.ofSeconds(3)); // 6 s: stale
        HttpResponse<String> stale1 = gw.get(uri);
        HttpResponse<String> stale2 = gw.get(uri);
        assertThat(xCache(stale1)).isEqualTo("STALE");
        assertThat(xCache(stale2)).isEqualTo("STALE");
        assertThat(stale1.headers().firstValue("Age")).hasValue("6");
        assertThat(n(stale1)).isEqualTo(1);
        await().until(() -> upstream.calls(uri) == 2); // exactly one background refresh for both stale reads
        upstream.hold = false;
        upstream.release();
        await().until(() -> pipeline("/api/cached").coalescer.stats().pendingKeys() == 0);
        HttpResponse<String> refreshed = gw.get(uri);
        assertThat(xCache(refreshed)).isEqualTo("HIT");
        assertThat(n(refreshed)).isEqualTo(2);
        assertThat(upstream.calls(uri)).isEqualTo(2);
    }

    @Test
    void staleIsServedWhenTheUpstreamFailsAndMarked() throws Exception {
        String uri = "/api/cached?k=sie";
        assertThat(gw.get(uri).statusCode()).isEqualTo(200);
        upstream.status = 503;
        time.advance(Duration.ofSeconds(6));
        HttpResponse<String> stale = gw.get(uri); // starts the refresh, which fails
        assertThat(xCache(stale)).isEqualTo("STALE");
        await().until(() -> pipeline("/api/cached").cache.stats().loadFailures() == 1);
        HttpResponse<String> sie = gw.get(uri);
        assertThat(sie.statusCode()).isEqualTo(200);
        assertThat(xCache(sie)).isEqualTo("STALE");
        assertThat(sie.headers().firstValue("X-Levee-Stale-Reason")).hasValue("upstream-error");
        assertThat(sie.headers().firstValue("Warning").orElseThrow()).startsWith("111");
        assertThat(n(sie)).isEqualTo(1);
        assertThat(upstream.calls(uri)).isEqualTo(2); // the error is remembered: no new call within error-ttl
    }

    @Test
    void upstreamErrorsWithNothingStaleAreCachedBriefly() throws Exception {
        String uri = "/api/cached?k=negative&fail=500";
        assertThat(gw.get(uri).statusCode()).isEqualTo(500);
        assertThat(gw.get(uri).statusCode()).isEqualTo(500);
        assertThat(upstream.calls(uri)).isEqualTo(1);
        time.advance(Duration.ofMillis(1_250));
        assertThat(gw.get(uri).statusCode()).isEqualTo(500);
        assertThat(upstream.calls(uri)).isEqualTo(2);
    }

    @Test
    void breakerOpensServesStaleOr503ThenProbesAndCloses() throws Exception {
        String good = "/api/cached?k=breaker-good";
        assertThat(gw.get(good).statusCode()).isEqualTo(200);
        assertThat(gw.get("/api/cached?k=b1&fail=500").statusCode()).isEqualTo(500);
        assertThat(gw.get("/api/cached?k=b2&fail=502").statusCode()).isEqualTo(502);
        assertThat(pipeline("/api/cached").breaker.state()).isEqualTo(BreakerState.OPEN);

        int before = upstream.total.get();
        HttpResponse<String> refused = gw.get("/api/cached?k=b3");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("10");
        JsonNode body = JSON.readTree(refused.body());
        assertThat(body.get("error").asText()).isEqualTo("Upstream circuit open");
        assertThat(body.get("retry_after").asInt()).isEqualTo(10);
        assertThat(upstream.total.get()).isEqualTo(before);

        time.advance(Duration.ofSeconds(6)); // `good` is stale now, the breaker still open (4 s left)
        assertThat(xCache(gw.get(good))).isEqualTo("STALE");
        HttpResponse<String> marked = gw.get(good);
        assertThat(marked.statusCode()).isEqualTo(200);
        assertThat(marked.headers().firstValue("X-Levee-Stale-Reason")).hasValue("circuit-open");
        assertThat(gw.get("/api/cached?k=b3").headers().firstValue("Retry-After")).hasValue("4");
        assertThat(upstream.total.get()).isEqualTo(before);

        time.advance(Duration.ofSeconds(4)); // open time over: one probe passes
        HttpResponse<String> probe = gw.get("/api/cached?k=b3");
        assertThat(probe.statusCode()).isEqualTo(200);
        assertThat(pipeline("/api/cached").breaker.state()).isEqualTo(BreakerState.CLOSED);
        HttpResponse<String> health = gw.admin("/health");
        assertThat(JSON.readTree(health.body()).at("/components/read_path/breaker/~1api~1cached/state").asText())
                .isEqualTo("CLOSED");
    }

    @Test
    void anUpstream429OpensTheBreakerForItsRetryAfter() throws Exception {
        gw.vertx(); // upstream answers 429 with Retry-After: absent -> the configured open time
        assertThat(gw.get("/api/cached?k=limited&fail=429").statusCode()).isEqualTo(429);
        assertThat(pipeline("/api/cached").breaker.state()).isEqualTo(BreakerState.OPEN);
        HttpResponse<String> refused = gw.get("/api/cached?k=other");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("10");
    }

    @Test
    void aCallerTimingOutLeavesTheOthersAndTheSharedCallAlone() throws Exception {
        String uri = "/api/wait?k=deadline";
        upstream.hold = true;
        var early = async(uri);
        await().until(() -> pipeline("/api/wait").coalescer.stats().currentWaiters() == 1);
        time.advance(Duration.ofSeconds(3));
        var late = async(uri);
        await().until(() -> pipeline("/api/wait").coalescer.stats().currentWaiters() == 2);
        time.advance(Duration.ofSeconds(2)); // early: 5 s, late: 2 s
        assertThat(early.join().statusCode()).isEqualTo(504);
        assertThat(late).isNotDone();
        upstream.hold = false;
        upstream.release();
        HttpResponse<String> r = late.join();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(xCache(r)).isEqualTo("COALESCED");
        assertThat(upstream.calls(uri)).isEqualTo(1);
    }

    @Test
    void aClientThatGoesAwayFreesItsSlotWithoutCancellingTheSharedCall() throws Exception {
        String uri = "/api/wait?k=cancel";
        upstream.hold = true;
        var stays = async(uri);
        var leaves = gw.http().sendAsync(HttpRequest.newBuilder(gw.uri(uri)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        await().until(() -> pipeline("/api/wait").coalescer.stats().currentWaiters() == 2);
        leaves.cancel(true);
        // JDK client cancellation closes the connection; the gateway cancels that caller's wait
        await().until(() -> pipeline("/api/wait").coalescer.stats().currentWaiters() == 1);
        assertThat(pipeline("/api/wait").coalescer.stats().cancellations()).isEqualTo(1);
        upstream.hold = false;
        upstream.release();
        assertThat(stays.join().statusCode()).isEqualTo(200);
        assertThat(upstream.calls(uri)).isEqualTo(1);
    }
}
