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
package dev.levee.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.cache.SwrCache;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.hotspot.HotSpotRejectedException;
import dev.levee.core.time.ManualTicker;
import dev.levee.spring.app.OddsService;
import dev.levee.spring.app.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The starter in a real application on Tomcat: admission filter, annotations, health. */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StarterTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private static final ExecutorService CALLERS = Executors.newVirtualThreadPerTaskExecutor();

    @LocalServerPort
    int port;
    @Autowired
    TestApp.Gate gate;
    @Autowired
    PriorityAdmission admission;
    @Autowired
    OddsService odds;
    @Autowired
    ManualTicker ticker;
    @Autowired
    RequestCoalescer<Object, Object> coalescer;
    @Autowired
    SwrCache<Object, Object> cache;

    @AfterAll
    static void stop() {
        CALLERS.close();
    }

    @BeforeEach
    void idle() {
        // the previous repetition's requests have all returned their permits
        await().atMost(Duration.ofSeconds(30)).until(() -> admission.stats().inFlight() == 0
                && admission.stats().queued() == 0);
        gate.close();
    }

    /**
     * max-concurrent 2; queues agent 2, bettor 2, browser 3 (fallback). Two browsers hold the permits, three wait,
     * two more find the browser queue full; five agents arrive: two fit their queue, three push out the three
     * waiting browsers; three bettors: two fit, the third finds nothing lower to push out. Then the gate opens.
     */
    @RepeatedTest(10)
    void mixedLoadShedsTheLowestClassFirstAndNeverTheTop() throws Exception {
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            sent.add(send("browser"));
        }
        await().until(() -> gate.entered() == 2);
        for (int i = 0; i < 3; i++) {
            sent.add(send("browser"));
        }
        awaitQueued(3);
        for (int i = 0; i < 2; i++) {
            Sent s = send("browser");
            sent.add(s);
            assertThat(s.status().get()).isEqualTo(503 == s.status().get() ? 503 : 429);
        }
        for (int i = 0; i < 5; i++) {
            sent.add(send("agent"));
            int agents = i + 1;
            // each agent over its queue's 2 pushes out the newest waiting browser
            await().until(() -> admission.stats().forClass("agent").queueDepth() == agents
                    && admission.stats().forClass("browser").queueDepth() == 3 - Math.max(0, agents - 2));
        }
        for (int i = 0; i < 3; i++) {
            sent.add(send("bettor"));
            int bettors = Math.min(i + 1, 2);
            await().until(() -> admission.stats().forClass("bettor").queueDepth() == bettors);
        }
        Sent lastBettor = sent.getLast();
        assertThat(lastBettor.status().get()).isNotEqualTo(200);
        assertThat(gate.entered()).isEqualTo(2);

        gate.open();
        Map<String, Map<Integer, Integer>> byClass = new TreeMap<>();
        for (Sent s : sent) {
            byClass.computeIfAbsent(s.admissionClass(), k -> new TreeMap<>()).merge(s.status().get(), 1, Integer::sum);
        }
        System.out.println("starter mixed load, status counts per class: " + byClass);
        assertThat(ok(byClass, "agent")).isEqualTo(5);
        assertThat(byClass.get("agent")).containsOnlyKeys(200);
        assertThat(ok(byClass, "bettor")).isEqualTo(2);
        assertThat(ok(byClass, "browser")).isEqualTo(2);
        assertThat(shed(byClass, "bettor")).isEqualTo(1);
        assertThat(shed(byClass, "browser")).isEqualTo(5);
    }

    @RepeatedTest(10)
    void coalescedCallsShareOneInvocation() throws Exception {
        int before = odds.coalescedCalls();
        long joinsBefore = coalescer.stats().totalRequests();
        odds.hold();
        long fixture = 1000 + before;
        List<Future<String>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(CALLERS.submit(() -> odds.odds(fixture)));
        }
        await().until(() -> coalescer.stats().totalRequests() - joinsBefore == 8);
        odds.release();
        for (Future<String> call : calls) {
            assertThat(call.get()).isEqualTo("odds " + fixture + " #" + (before + 1));
        }
        assertThat(odds.coalescedCalls()).isEqualTo(before + 1);
    }

    @Test
    void cacheServesFreshThenStaleThenTheRefresh() {
        assertThat(odds.price("f1")).isEqualTo("price f1 #1");
        assertThat(odds.price("f1")).isEqualTo("price f1 #1"); // fresh
        assertThat(odds.cachedCalls()).isEqualTo(1);
        ticker.advance(Duration.ofSeconds(10)); // past fresh (5s), within stale (60s)
        long staleBefore = cache.stats().staleHits();
        assertThat(odds.price("f1")).isEqualTo("price f1 #1"); // stale, refresh in the background
        assertThat(cache.stats().staleHits()).isEqualTo(staleBefore + 1);
        await().until(() -> odds.cachedCalls() == 2);
        await().until(() -> odds.price("f1").equals("price f1 #2"));
        assertThat(odds.price("other")).isEqualTo("price other #3"); // keys apart
    }

    @Test
    void hotSpotCapsCallsPerKey() {
        // limit 2 per 60s window, no queue; the ticker does not move, so the window stays full
        assertThat(odds.limited("k1")).endsWith("#1");
        assertThat(odds.limited("k1")).endsWith("#2");
        assertThatThrownBy(() -> odds.limited("k1")).isInstanceOf(HotSpotRejectedException.class)
                .satisfies(e -> assertThat(((HotSpotRejectedException) e).retryAfter()).isPositive());
        assertThat(odds.limited("k2")).endsWith("#3"); // another key has its own window
        assertThat(odds.limitedCalls()).isEqualTo(3);
    }

    @Test
    void metersAreTheGatewaysSeries(@Autowired io.micrometer.core.instrument.MeterRegistry registry) {
        assertThat(registry.get("levee.admission.max.concurrent").gauge().value()).isEqualTo(2.0);
        assertThat(registry.find("levee.hotspot.requests").tag("route", "/odds").meters()).isNotEmpty();
    }

    @Test
    void actuatorHealthShowsEachSection() throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/health/levee")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"admission\"", "\"readpath\"", "\"hotspot\"", "\"maxConcurrent\":2",
                "\"/odds\"", "\"UP\"");
    }

    private void awaitQueued(int n) {
        await().untilAsserted(() -> assertThat(admission.stats().queued()).as("%s, %d entered", admission.stats(),
                gate.entered()).isEqualTo(n));
    }

    private static int ok(Map<String, Map<Integer, Integer>> byClass, String c) {
        return byClass.getOrDefault(c, Map.of()).getOrDefault(200, 0);
    }

    private static int shed(Map<String, Map<Integer, Integer>> byClass, String c) {
        return byClass.getOrDefault(c, Map.of()).entrySet().stream().filter(e -> e.getKey() != 200)
                .mapToInt(Map.Entry::getValue).sum();
    }

    private record Sent(String admissionClass, CompletableFuture<Integer> status) {}

    private Sent send(String admissionClass) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/work"))
                .timeout(Duration.ofSeconds(60));
        if (!admissionClass.equals("browser")) {
            request.header("X-Class", admissionClass);
        }
        return new Sent(admissionClass, CLIENT.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(HttpResponse::statusCode));
    }
}
