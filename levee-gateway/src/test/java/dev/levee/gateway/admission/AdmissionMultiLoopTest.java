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

import dev.levee.core.admission.AdmissionStats;
import dev.levee.core.time.ManualTicker;
import dev.levee.gateway.chain.Filter;
import dev.levee.gateway.chain.Stage;
import dev.levee.gateway.testing.GatewayExtension;
import io.vertx.ext.web.RoutingContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway on several event loops: connections are spread over them (each request served on the loop it came in
 * on), and admission's max-concurrent holds exactly while requests arrive on every loop at once.
 */
class AdmissionMultiLoopTest {
    static final int LOOPS = 2;
    static final int MAX_CONCURRENT = 3;
    static final int QUEUE = 4;
    static final ManualTicker clock = new ManualTicker();
    /** Event-loop thread that served each request, by the request's id. */
    static final Map<String, String> servedOn = new ConcurrentHashMap<>();
    static final ConcurrentLinkedQueue<RoutingContext> held = new ConcurrentLinkedQueue<>();
    static final AtomicInteger concurrent = new AtomicInteger();
    static final AtomicInteger peak = new AtomicInteger();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .config("""
                    server: { host: 127.0.0.1, port: 0, event-loops: %d, shutdown-grace: 2s }
                    upstream: { url: "${upstream}", timeout: 60s }
                    admission: { max-concurrent: %d, queue-capacity: %d, max-wait: 10s }
                    """.formatted(LOOPS, MAX_CONCURRENT, QUEUE))
            .features(List.of(AdmissionFeature::new))
            .filters(List.of(Filter.routes(Stage.READ_PATH, router -> {
                router.get("/served-on").handler(ctx -> ctx.end(Thread.currentThread().getName()));
                router.get("/hold").handler(ctx -> {
                    servedOn.put(ctx.request().getParam("id"), Thread.currentThread().getName());
                    peak.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                    ctx.addEndHandler(v -> concurrent.decrementAndGet());
                    held.add(ctx);
                });
            })))
            .ticker(clock)
            .scheduler(clock)
            .build();

    /** HTTP/1.1 only: concurrent requests each open a connection of their own. */
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static AdmissionStats stats() {
        return gw.gateway().feature(AdmissionFeature.class).admission().stats();
    }

    static CompletableFuture<HttpResponse<String>> send(HttpClient client, String pathAndQuery) {
        return client.sendAsync(HttpRequest.newBuilder(gw.uri(pathAndQuery)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void connectionsAreServedOnEveryEventLoop() {
        Set<String> loops = new java.util.HashSet<>();
        for (int i = 0; i < 20; i++) {
            try (HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                HttpResponse<String> r = send(own, "/served-on?i=" + i).join(); // a connection of its own
                assertThat(r.statusCode()).isEqualTo(200);
                loops.add(r.body());
            }
        }
        assertThat(loops).hasSize(LOOPS).allSatisfy(name -> assertThat(name).contains("eventloop"));
    }

    @Test
    void maxConcurrentHoldsExactlyOverSeveralLoops() {
        int requests = 20;
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            answers.add(send(http, "/hold?id=" + i));
        }
        // every request is held, queued or shed: exactly max-concurrent held, the queue full, the rest shed
        int shed = requests - MAX_CONCURRENT - QUEUE;
        await().atMost(Duration.ofSeconds(20)).until(() -> answers.stream().filter(CompletableFuture::isDone).count()
                == shed && held.size() == MAX_CONCURRENT && stats().queued() == QUEUE);
        assertThat(stats().inFlight()).isEqualTo(MAX_CONCURRENT);
        assertThat(answers.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join))
                .allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(429));

        // releasing one at a time admits one queued request each, on whatever loop it came in on
        int released = 0;
        while (released < MAX_CONCURRENT + QUEUE) {
            RoutingContext ctx = held.poll();
            if (ctx == null) {
                await().atMost(Duration.ofSeconds(20)).until(() -> !held.isEmpty());
                continue;
            }
            ctx.end("released");
            released++;
        }
        assertThat(answers.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 200))
                .hasSize(MAX_CONCURRENT + QUEUE).allSatisfy(r -> assertThat(r.body()).isEqualTo("released"));
        assertThat(peak.get()).isEqualTo(MAX_CONCURRENT);
        // which loops the admitted seven came in on is the arrival order's business (the spread itself is
        // connectionsAreServedOnEveryEventLoop's): asserting both here failed once when all seven were on one loop
        assertThat(servedOn.values()).allSatisfy(name -> assertThat(name).contains("eventloop"));
        await().untilAsserted(() -> assertThat(stats().inFlight()).isZero());
    }
}
