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
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hung upstream (it takes requests and never answers while {@link HeldUpstream#hold} is set) behind the real
 * gateway, on a manual clock for the breaker: the slow-call timers fire only when the test advances time, and the
 * upstream timeout (60 s, real time) never ends a held call within a test. So every figure below is a count or a
 * state: how many requests reached the hung upstream, what the breaker's state is, what the client got.
 *
 * <p>{@code /api/plain} declares no breaker and gets the default one (slow-call-duration 1s, minimum-calls 10,
 * slow-call-rate 50 %, open-for 3s, 3 probes); {@code /api/off} turns it off; other paths are proxied plainly.
 */
class UpstreamHangTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_IN_FLIGHT = 16;
    private static final int MINIMUM_CALLS = 10; // the default breaker's
    private final HeldUpstream upstream = new HeldUpstream();
    private final ManualTicker time = new ManualTicker();

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> upstream.mount(r, "/api", "/other"))
            .features(List.of(ReadPathFeature::new))
            .ticker(time).scheduler(time)
            .config("""
                    upstream: { url: "${upstream}", timeout: 60s, max-in-flight: %d }
                    routes:
                      - path: /api/plain
                      - path: /api/off
                        breaker: { enabled: false }
                    """.formatted(MAX_IN_FLIGHT))
            .build();

    @AfterEach
    void recover() {
        upstream.hold = false;
        upstream.release();
    }

    private RoutePipeline pipeline(String route) {
        return gw.gateway().feature(ReadPathFeature.class).pipeline(route);
    }

    private CompletableFuture<HttpResponse<String>> async(String uri) {
        return gw.http().sendAsync(HttpRequest.newBuilder(gw.uri(uri)).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code n} requests that reach the hung upstream and stay there. */
    private List<CompletableFuture<HttpResponse<String>>> hang(String path, int n) {
        int before = upstream.total.get();
        List<CompletableFuture<HttpResponse<String>>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(async(path + "?k=" + before + "-" + i));
        }
        await().until(() -> upstream.total.get() == before + n);
        return out;
    }

    private double meter(String name, String... tags) {
        MeterRegistry registry = gw.gateway().registry();
        var gauge = registry.find(name).tags(tags).gauge();
        return gauge != null ? gauge.value() : registry.find(name).tags(tags).functionCounter().count();
    }

    private static String error(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).get("error").asText();
    }

    @Test
    void aRouteWithoutABreakerBlockGetsTheDefaultOneWhichOpensAtTheSlowCallDurationOfAHang() throws Exception {
        assertThat(gw.get("/api/plain?k=warm").statusCode()).isEqualTo(200);
        RoutePipeline p = pipeline("/api/plain");
        assertThat(p.breaker).isNotNull();

        upstream.hold = true;
        List<CompletableFuture<HttpResponse<String>>> hung = hang("/api/plain", MINIMUM_CALLS);
        time.advance(Duration.ofMillis(999));
        assertThat(p.breaker.state()).isEqualTo(BreakerState.CLOSED); // not slow yet
        time.advance(Duration.ofMillis(1)); // 1 s: every held call is slow, none has ended
        assertThat(p.breaker.state()).isEqualTo(BreakerState.OPEN);
        assertThat(p.breaker.stats().slowCalls()).isEqualTo(MINIMUM_CALLS);
        assertThat(hung).allMatch(f -> !f.isDone()); // they wait for the upstream (or its timeout) as before

        int reached = upstream.total.get();
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> refused = gw.get("/api/plain?k=refused-" + i);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("3"); // open-for
            assertThat(error(refused)).isEqualTo("Upstream circuit open");
        }
        // what reached the hung upstream: the warm-up call plus minimum-calls; nothing once it opened
        assertThat(upstream.total.get()).isEqualTo(reached).isEqualTo(1 + MINIMUM_CALLS);
        assertThat(p.breaker.stats().rejected()).isEqualTo(30);
        assertThat(meter("levee.breaker.slow.calls", "route", "/api/plain")).isEqualTo(MINIMUM_CALLS);
        JsonNode health = JSON.readTree(gw.admin("/health").body());
        assertThat(health.at("/components/read_path/breaker/~1api~1plain/state").asText()).isEqualTo("OPEN");
    }

    @Test
    void oneSlowCallDoesNotOpenTheDefaultBreaker() throws Exception {
        upstream.hold = true;
        hang("/api/plain", 1);
        time.advance(Duration.ofSeconds(2));
        upstream.hold = false;
        for (int i = 0; i < 20; i++) {
            assertThat(gw.get("/api/plain?k=fine-" + i).statusCode()).isEqualTo(200);
        }
        assertThat(pipeline("/api/plain").breaker.state()).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void afterTheUpstreamRecoversTheBreakerHalfOpensAndClosesByItself() throws Exception {
        RoutePipeline p = pipeline("/api/plain");
        upstream.hold = true;
        hang("/api/plain", MINIMUM_CALLS);
        time.advance(Duration.ofSeconds(1));
        assertThat(p.breaker.state()).isEqualTo(BreakerState.OPEN);

        // still hung after open-for: the probes hang too, count as slow at 1 s and open it again
        time.advance(Duration.ofSeconds(3));
        assertThat(p.breaker.state()).isEqualTo(BreakerState.HALF_OPEN);
        hang("/api/plain", 3);
        HttpResponse<String> probesOut = gw.get("/api/plain?k=fourth");
        assertThat(probesOut.statusCode()).isEqualTo(503); // every probe is in use
        time.advance(Duration.ofSeconds(1));
        assertThat(p.breaker.state()).isEqualTo(BreakerState.OPEN);
        assertThat(p.breaker.stats().opened()).isEqualTo(2);
        assertThat(upstream.total.get()).isEqualTo(MINIMUM_CALLS + 3);

        // the upstream recovers (the held calls stay held: recovery does not need them to end)
        upstream.hold = false;
        assertThat(gw.get("/api/plain?k=still-open").statusCode()).isEqualTo(503);
        time.advance(Duration.ofSeconds(3));
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> probe = gw.get("/api/plain?k=probe-" + i);
            assertThat(probe.statusCode()).isEqualTo(200);
        }
        assertThat(p.breaker.state()).isEqualTo(BreakerState.CLOSED);
        assertThat(gw.get("/api/plain?k=after").statusCode()).isEqualTo(200);
    }

    @Test
    void maxInFlightRefusesTheNextRequestAtOnceOnTheReadPathAndThePlainProxy() throws Exception {
        upstream.hold = true;
        // the breaker-less route, so only the in-flight bound stands between clients and the hung upstream
        List<CompletableFuture<HttpResponse<String>>> hung = hang("/api/off", MAX_IN_FLIGHT - 2);
        hung.addAll(hang("/other/x", 2));
        assertThat(meter("levee.upstream.in.flight")).isEqualTo(MAX_IN_FLIGHT);

        for (String uri : List.of("/api/off?k=one-more", "/other/one-more", "/api/plain?k=one-more")) {
            HttpResponse<String> busy = gw.get(uri);
            assertThat(busy.statusCode()).as(uri).isEqualTo(503);
            assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
            JsonNode body = JSON.readTree(busy.body());
            assertThat(body.get("error").asText()).isEqualTo("Upstream busy");
            assertThat(body.get("max_in_flight").asInt()).isEqualTo(MAX_IN_FLIGHT);
        }
        assertThat(upstream.total.get()).isEqualTo(MAX_IN_FLIGHT);
        assertThat(meter("levee.upstream.rejected")).isEqualTo(3);
        // a refusal before sending is not an upstream outcome: the breaker recorded nothing for it
        assertThat(pipeline("/api/plain").breaker.stats().bufferedCalls()).isZero();
        assertThat(pipeline("/api/plain").breaker.stats().failures()).isZero();

        upstream.hold = false;
        upstream.release();
        assertThat(hung).allSatisfy(f -> assertThat(f.join().statusCode()).isEqualTo(200));
        await().until(() -> meter("levee.upstream.in.flight") == 0);
        assertThat(gw.get("/api/off?k=later").statusCode()).isEqualTo(200);
        assertThat(gw.get("/other/later").statusCode()).isEqualTo(200);
    }

    @Test
    void aRouteWithTheBreakerTurnedOffKeepsTheOldBehaviour() throws Exception {
        assertThat(pipeline("/api/off").breaker).isNull();
        for (int i = 0; i < 30; i++) {
            assertThat(gw.get("/api/off?k=f" + i + "&fail=500").statusCode()).isEqualTo(500);
        }
        assertThat(upstream.total.get()).isEqualTo(30); // every failing call reached the upstream

        upstream.hold = true;
        List<CompletableFuture<HttpResponse<String>>> hung = hang("/api/off", MINIMUM_CALLS);
        time.advance(Duration.ofSeconds(5));
        assertThat(hung).allMatch(f -> !f.isDone()); // no breaker: they wait for the upstream (or its timeout)
        JsonNode health = JSON.readTree(gw.admin("/health").body());
        assertThat(health.at("/components/read_path/breaker").has("/api/off")).isFalse();
        upstream.hold = false;
        upstream.release();
        assertThat(hung).allSatisfy(f -> assertThat(f.join().statusCode()).isEqualTo(200));
    }
}
