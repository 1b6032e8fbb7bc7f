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
package dev.levee.servlet;

import dev.levee.core.admission.Permit;
import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.time.ManualTicker;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The filter in a real Tomcat: what is shed, what the client reads, and that every permit comes back. */
class AdmissionFilterTest {
    private final ManualTicker ticker = new ManualTicker();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** Holds /slow until opened; the admission classes of the requests that reached the servlet, in order. */
    private final CountDownLatch gate = new CountDownLatch(1);
    private final ConcurrentLinkedQueue<String> served = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<AsyncContext> parked = new ConcurrentLinkedQueue<>();
    private TomcatServer server;

    @AfterEach
    void stop() throws Exception {
        gate.countDown();
        parked.forEach(AsyncContext::complete);
        if (server != null) {
            server.close();
        }
    }

    private PriorityAdmission.Builder admission() {
        return PriorityAdmission.builder()
                .fixedRetryAfter(Duration.ofSeconds(3))
                .maxWait(Duration.ofSeconds(10))
                .ticker(ticker).scheduler(ticker);
    }

    /** The class is the X-Class header; none is the lowest class. */
    private void start(PriorityAdmission admission) {
        AdmissionFilter filter = AdmissionFilter.builder(admission)
                .classifier(request -> request.getHeader("X-Class"))
                .excludePaths("/health")
                .build();
        ServletContainerInitializer app = (classes, context) -> {
            var registration = context.addFilter("levee", filter);
            registration.setAsyncSupported(true);
            registration.addMappingForUrlPatterns(null, false, "/*");
            context.addServlet("slow", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    Permit permit = (Permit) req.getAttribute(AdmissionFilter.PERMIT_ATTRIBUTE);
                    served.add(permit == null ? "none" : permit.admissionClass());
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    resp.getWriter().write("ok");
                }
            }).addMapping("/slow", "/health");
            var async = context.addServlet("async", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                    AsyncContext ctx = req.startAsync();
                    ctx.setTimeout(req.getParameter("timeout") == null ? 0 : Long.parseLong(req.getParameter("timeout")));
                    parked.add(ctx);
                }
            });
            async.setAsyncSupported(true);
            async.addMapping("/async");
            // two async cycles: the first dispatches back here, the second parks
            var twice = context.addServlet("twice", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                    if (req.getDispatcherType() == DispatcherType.REQUEST) {
                        req.startAsync().dispatch();
                    } else {
                        parked.add(req.startAsync());
                    }
                }
            });
            twice.setAsyncSupported(true);
            twice.addMapping("/twice");
        };
        server = TomcatServer.start(app);
    }

    private CompletableFuture<HttpResponse<String>> get(String path, String admissionClass) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(30));
        if (admissionClass != null) {
            request.header("X-Class", admissionClass);
        }
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aShedRequestGetsTheGatewaysBodyAndRetryAfter() throws Exception {
        PriorityAdmission admission = admission().addClass("agent", 1).addClass("browser", 1).maxConcurrent(1).build();
        start(admission);
        var running = get("/slow", "browser");
        await().until(() -> admission.stats().inFlight() == 1);
        var queued = get("/slow", "browser");
        await().until(() -> admission.stats().queued() == 1);

        HttpResponse<String> shed = get("/slow", "browser").get(30, TimeUnit.SECONDS);

        assertThat(shed.statusCode()).isEqualTo(429);
        assertThat(shed.body()).isEqualTo("{\"error\":\"Server busy\",\"retry_after\":3,\"priority\":\"browser\"}");
        assertThat(shed.headers().firstValue("Retry-After")).hasValue("3");
        assertThat(shed.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(shed.headers().firstValue("Cache-Control")).hasValue("no-store");

        // the queued one waits out its max wait: 503, the server (not this client) is too slow
        ticker.advance(Duration.ofSeconds(10));
        HttpResponse<String> timedOut = queued.get(30, TimeUnit.SECONDS);
        assertThat(timedOut.statusCode()).isEqualTo(503);
        assertThat(timedOut.body()).isEqualTo("{\"error\":\"Queue timeout\",\"retry_after\":3,\"priority\":\"browser\"}");
        assertThat(timedOut.headers().firstValue("Retry-After")).hasValue("3");

        gate.countDown();
        assertThat(running.get(30, TimeUnit.SECONDS).body()).isEqualTo("ok");
        await().until(() -> admission.stats().inFlight() == 0);
    }

    @Test
    void underConcurrentLoadTheLowestClassIsShedFirstAndTheHighestServedFirst() throws Exception {
        PriorityAdmission admission = admission()
                .addClass("agent", 2).addClass("bettor", 4).addClass("browser", 4).maxConcurrent(1).build();
        start(admission);
        var holder = get("/slow", "browser");
        await().until(() -> admission.stats().inFlight() == 1);
        List<CompletableFuture<HttpResponse<String>>> browsers = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> bettors = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> agents = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            browsers.add(get("/slow", null)); // no class: the lowest, browser
            bettors.add(get("/slow", "bettor"));
        }
        await().until(() -> admission.stats().queued() == 8);

        // six agents at once over an agent queue of two: each one past it pushes out the newest lowest waiter
        for (int i = 0; i < 6; i++) {
            agents.add(get("/slow", "agent"));
        }
        await().until(() -> admission.stats().forClass("agent").queueDepth() == 6);
        for (var browser : browsers) {
            HttpResponse<String> shed = browser.get(30, TimeUnit.SECONDS);
            assertThat(shed.statusCode()).isEqualTo(429);
            assertThat(shed.body()).isEqualTo("{\"error\":\"Server busy\",\"retry_after\":3,\"priority\":\"browser\"}");
        }

        gate.countDown();
        for (var r : agents) {
            assertThat(r.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        for (var r : bettors) {
            assertThat(r.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(holder.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        // one at a time after the holder: every agent before any bettor
        assertThat(served).containsExactly("browser", "agent", "agent", "agent", "agent", "agent", "agent",
                "bettor", "bettor", "bettor", "bettor");
        await().until(() -> admission.stats().inFlight() == 0 && admission.stats().queued() == 0);
    }

    @Test
    void anExcludedPathIsServedWhileTheAdmissionIsFull() throws Exception {
        PriorityAdmission admission = admission().addClass("browser", 1).maxConcurrent(1).build();
        start(admission);
        get("/slow", "browser");
        await().until(() -> admission.stats().inFlight() == 1);
        get("/slow", "browser");
        await().until(() -> admission.stats().queued() == 1);

        var health = get("/health", "browser");
        await().until(() -> served.contains("none"));
        gate.countDown();
        assertThat(health.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        var browser = admission.stats().forClass("browser");
        assertThat(browser.shedQueueFull() + browser.shedPushedOut() + browser.shedTimeout()).isZero();
    }

    @Test
    void anAsyncRequestHoldsItsPermitUntilItCompletesOrTimesOut() throws Exception {
        PriorityAdmission admission = admission().addClass("browser", 10).maxConcurrent(10).build();
        start(admission);
        var completed = get("/async", "browser");
        await().until(() -> parked.size() == 1);
        assertThat(admission.stats().inFlight()).as("held after the servlet returned").isEqualTo(1);
        AsyncContext ctx = parked.poll();
        ctx.getResponse().getWriter().write("done");
        ctx.complete();
        assertThat(completed.get(30, TimeUnit.SECONDS).body()).isEqualTo("done");
        await().until(() -> admission.stats().inFlight() == 0);

        var timedOut = get("/async?timeout=200", "browser");
        await().until(() -> admission.stats().inFlight() == 1);
        parked.clear(); // never completed by the application: the container times it out
        assertThat(timedOut.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(500);
        await().until(() -> admission.stats().inFlight() == 0);
    }

    @Test
    void aSecondAsyncCycleAfterADispatchStillReleasesThePermitWhenItCompletes() throws Exception {
        PriorityAdmission admission = admission().addClass("browser", 10).maxConcurrent(10).build();
        start(admission);
        var response = get("/twice", "browser");
        await().until(() -> parked.size() == 1);
        assertThat(admission.stats().inFlight()).as("held through both cycles").isEqualTo(1);
        assertThat(admission.stats().forClass("browser").admitted()).as("admitted once").isEqualTo(1);
        AsyncContext ctx = parked.poll();
        ctx.getResponse().getWriter().write("second cycle");
        ctx.complete();
        assertThat(response.get(30, TimeUnit.SECONDS).body()).isEqualTo("second cycle");
        await().until(() -> admission.stats().inFlight() == 0);
    }
}
