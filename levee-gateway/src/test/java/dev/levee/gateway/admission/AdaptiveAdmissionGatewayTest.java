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
import dev.levee.core.admission.AdmissionStats;
import dev.levee.core.time.ManualTicker;
import dev.levee.gateway.readpath.ReadPathFeature;
import dev.levee.gateway.testing.GatewayExtension;
import io.vertx.ext.web.RoutingContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code max-concurrent: auto} through the real gateway: the upstream parks every request and the test answers
 * them after advancing the manual clock, so the upstream's latency (as the admission's Ticker sees it) is the
 * test's choice. When it gets slower, the limit follows it down.
 */
class AdaptiveAdmissionGatewayTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ManualTicker clock = new ManualTicker();
    static final ConcurrentLinkedQueue<RoutingContext> held = new ConcurrentLinkedQueue<>();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> {
                r.get("/work").handler(held::add);
                r.get("/cached").handler(ctx -> ctx.response().putHeader("Cache-Control", "max-age=3600").end("c"));
            })
            .config("""
                    upstream: { url: "${upstream}", timeout: 60s }
                    routes: [ { path: /cached, cache: { fresh: 1h } } ]
                    admission: { max-concurrent: auto, adaptive: { min: 4, max: 200, initial: 20 }, max-wait: 60s }
                    admin: { token: ops-token }
                    """)
            .features(List.of(AdmissionFeature::new, ReadPathFeature::new))
            .ticker(clock)
            .scheduler(clock)
            .build();

    AdmissionStats stats() {
        return gw.gateway().feature(AdmissionFeature.class).admission().stats();
    }

    /** As many requests as the limit allows, all answered {@code latency} later (by the manual clock). */
    void batch(Duration latency) {
        int n = stats().maxConcurrent();
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sent.add(gw.http().sendAsync(HttpRequest.newBuilder(gw.uri("/work")).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> held.size() == n);
        clock.advance(latency);
        RoutingContext ctx;
        while ((ctx = held.poll()) != null) {
            ctx.end("done");
        }
        for (CompletableFuture<HttpResponse<String>> f : sent) {
            assertThat(f.join().statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> stats().inFlight() == 0);
    }

    @Test
    void cacheHitsAreNoSamplesOfTheUpstream() throws Exception {
        assertThat(gw.get("/cached").statusCode()).isEqualTo(200); // the miss: one sample
        long windows = adaptive().windows();
        for (int i = 0; i < 60; i++) {
            clock.advance(Duration.ofMillis(10)); // 60 hits over 600 ms: three windows, were they samples
            HttpResponse<String> hit = gw.get("/cached");
            assertThat(hit.headers().firstValue("X-Cache")).contains("HIT");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> stats().inFlight() == 0);
        assertThat(adaptive().windows()).isEqualTo(windows);
    }

    dev.levee.core.admission.AdaptiveLimitStats adaptive() {
        return java.util.Objects.requireNonNull(stats().adaptive());
    }

    @Test
    void theLimitGrowsWhileTheUpstreamKeepsUpAndFollowsItWhenItGetsSlower() throws Exception {
        int initial = stats().maxConcurrent();
        for (int i = 0; i < 6; i++) {
            batch(Duration.ofMillis(100));
        }
        long windowsBefore = adaptive().windows();
        int grown = stats().maxConcurrent();
        assertThat(grown).isGreaterThan(initial);
        for (int i = 0; i < 10; i++) {
            batch(Duration.ofMillis(500)); // five times slower: requests queue inside the upstream
        }
        int followed = stats().maxConcurrent();
        assertThat(followed).as("grown to " + grown).isLessThan((int) (grown * 0.7)).isGreaterThanOrEqualTo(4);

        JsonNode health = JSON.readTree(gw.admin("/health/backpressure").body());
        JsonNode section = health.has("details") ? health.get("details") : health;
        assertThat(section.get("limit").asText()).isEqualTo("adaptive");
        assertThat(section.get("max_concurrent").asInt()).isEqualTo(followed);
        JsonNode adaptive = section.get("adaptive");
        assertThat(adaptive.get("limit").asInt()).isEqualTo(followed);
        assertThat(adaptive.get("min").asInt()).isEqualTo(4);
        assertThat(adaptive.get("max").asInt()).isEqualTo(200);
        assertThat(adaptive.get("windows").asLong()).isEqualTo(windowsBefore + 10);
        assertThat(adaptive.get("recent_rtt_ms").asDouble()).isEqualTo(500.0);
        assertThat(adaptive.get("seconds_since_last_change").isNumber()).isTrue();

        String metrics = gw.admin("/metrics").body();
        assertThat(metrics)
                .contains("levee_admission_max_concurrent " + followed + ".0")
                .contains("levee_admission_adaptive_recent_rtt_seconds 0.5")
                .contains("levee_admission_adaptive_baseline_rtt_seconds")
                .contains("levee_admission_adaptive_since_last_change_seconds")
                .contains("levee_admission_adaptive_windows_total " + (windowsBefore + 10) + ".0");
    }
}
