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
package dev.levee.gateway.hotspot;

import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.time.ManualTicker;
import dev.levee.gateway.chain.Filter;
import dev.levee.gateway.chain.Stage;
import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hot-spot window's limit holds exactly while one key's requests arrive on several event loops at once: the
 * window is shared by the loops, and the upstream (which enforces the same quota) never answers 429.
 */
class HotSpotMultiLoopTest {
    private static final String ROUTE = "/api/v3/fixtures/odds";
    private static final int LIMIT = 5;
    private static final int LOOPS = 2;

    private final ManualTicker time = new ManualTicker();
    private final QuotaUpstream upstream = new QuotaUpstream(time, LIMIT, Duration.ofSeconds(10));
    private final Set<String> loops = ConcurrentHashMap.newKeySet();

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.get(ROUTE).handler(upstream::handle))
            .config("""
                    server: { host: 127.0.0.1, port: 0, event-loops: %d, shutdown-grace: 2s }
                    routes:
                      - path: /api/v3/fixtures/odds
                        public: false
                        hot-spot: { key: "query:fixture_id", limit: %d, window: 10s, queue: 100, max-wait: 60s }
                    """.formatted(LOOPS, LIMIT))
            .ticker(time)
            .scheduler(time)
            .features(List.of(HotSpotFeature::new))
            .filters(List.of(Filter.of(Stage.READ_PATH, ctx -> { // no read path here: a free stage to look from
                loops.add(Thread.currentThread().getName());
                ctx.next();
            })))
            .build();

    @Test
    void limitHoldsExactlyOverSeveralLoops() {
        int requests = 4 * LIMIT;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < requests; i++) { // distinct queries, one key: each must take a window slot
            answers.add(http.sendAsync(HttpRequest.newBuilder(gw.uri(ROUTE + "?fixture_id=42&n=" + i))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        HotSpotLimiter limiter = gw.gateway().feature(HotSpotFeature.class).limiter(ROUTE);
        for (int window = 1; window <= requests / LIMIT; window++) {
            int served = window * LIMIT;
            await().atMost(Duration.ofSeconds(20)).until(() -> upstream.total() == served
                    && limiter.snapshot(0).queued() == requests - served);
            assertThat(upstream.total()).isEqualTo(served); // and not one more on another loop
            time.advance(Duration.ofSeconds(10)); // the window's slots come back, the next LIMIT go
        }
        assertThat(answers.stream().map(CompletableFuture::join).map(HttpResponse::statusCode))
                .containsOnly(200);
        assertThat(upstream.rejected()).isZero();
        assertThat(new HashSet<>(loops)).hasSize(LOOPS);
    }
}
