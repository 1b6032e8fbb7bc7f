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

import dev.levee.core.admission.AdmissionStats;
import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.time.Scheduler;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 10,000 requests through the filter in a real Tomcat, every way a request can end: served synchronously,
 * failed by the servlet, completed asynchronously from another thread, timed out in async mode, shed, and
 * abandoned by a client that resets the connection while the response streams, while it is queued or while it is
 * parked in async mode. Afterwards nothing is in flight and nothing queued: no permit leaked.
 */
class PermitLeakTest {
    private static final int REQUESTS = 10_000;
    private static final int CLIENTS = 32;
    private static final List<String> CLASSES = List.of("agent", "bettor", "browser");

    @Test
    void noPermitLeaksAfterTenThousandRequestsOfEveryKind() throws Exception {
        PriorityAdmission admission = PriorityAdmission.builder()
                .addClass("agent", 8).addClass("bettor", 8).addClass("browser", 8)
                .maxConcurrent(12)
                .maxWait(Duration.ofSeconds(5))
                .scheduler(Scheduler.system("levee-test-admission"))
                .build();
        AdmissionFilter filter = AdmissionFilter.builder(admission)
                .classifier(request -> request.getHeader("X-Class"))
                .build();
        ExecutorService completer = Executors.newVirtualThreadPerTaskExecutor();
        ServletContainerInitializer app = (classes, context) -> {
            var registration = context.addFilter("levee", filter);
            registration.setAsyncSupported(true);
            registration.addMappingForUrlPatterns(null, false, "/*");
            context.addServlet("fast", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.getWriter().write("ok");
                }
            }).addMapping("/fast");
            context.addServlet("fail", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException {
                    throw new ServletException("the application failed");
                }
            }).addMapping("/fail");
            context.addServlet("stream", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    byte[] chunk = new byte[16 * 1024];
                    OutputStream out = resp.getOutputStream();
                    for (int i = 0; i < 4096; i++) { // up to 64 MB: the client resets long before
                        out.write(chunk);
                        out.flush();
                    }
                }
            }).addMapping("/stream");
            var async = context.addServlet("async", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                    AsyncContext ctx = req.startAsync();
                    switch (req.getParameter("end")) {
                        case "complete" -> completer.execute(() -> {
                            try {
                                ctx.getResponse().getWriter().write("async ok");
                            } catch (IOException e) {
                                // the client left: complete anyway
                            }
                            ctx.complete();
                        });
                        case "dispatch" -> completer.execute(() -> ctx.dispatch("/fast"));
                        default -> ctx.setTimeout(100); // never completed: the container times it out
                    }
                }
            });
            async.setAsyncSupported(true);
            async.addMapping("/async");
        };
        Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        try (TomcatServer server = TomcatServer.start(app);
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            AtomicInteger next = new AtomicInteger();
            Future<?>[] workers = new Future<?>[CLIENTS];
            for (int w = 0; w < CLIENTS; w++) {
                workers[w] = clients.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < REQUESTS; ) {
                        String admissionClass = CLASSES.get(i % 3);
                        String outcome = switch (i % 50) {
                            case 0 -> reset(server, "/stream", admissionClass, true);
                            case 1 -> reset(server, "/fast", admissionClass, false);
                            case 2 -> reset(server, "/async?end=park", admissionClass, false);
                            case 3 -> send(client, server, "/async?end=park", admissionClass);
                            case 4, 5, 6 -> send(client, server, "/fail", admissionClass);
                            case 7, 8, 9, 10, 11 -> send(client, server, "/async?end=dispatch", admissionClass);
                            default -> i % 2 == 0 ? send(client, server, "/fast", admissionClass)
                                    : send(client, server, "/async?end=complete", admissionClass);
                        };
                        outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
                    }
                    return null;
                });
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                AdmissionStats stats = admission.stats();
                assertThat(stats.inFlight()).as("in flight").isZero();
                assertThat(stats.queued()).as("queued").isZero();
            });
        } finally {
            completer.shutdownNow();
        }
        long total = outcomes.values().stream().mapToLong(LongAdder::sum).sum();
        assertThat(total).isEqualTo(REQUESTS);
        // every ending happened: served, failed by the application, shed, abandoned
        assertThat(outcomes).as("outcomes").containsKeys("200", "500", "429", "reset");
        for (String admissionClass : CLASSES) {
            assertThat(admission.stats().forClass(admissionClass).admitted()).as(admissionClass).isPositive();
        }
    }

    private static String send(HttpClient client, TomcatServer server, String path, String admissionClass) {
        try {
            HttpResponse<Void> response = client.send(HttpRequest.newBuilder(server.uri(path))
                    .header("X-Class", admissionClass).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return Integer.toString(response.statusCode());
        } catch (IOException e) {
            throw new IllegalStateException(path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends the request and resets the connection: after the first bytes of the answer, or at once. */
    private static String reset(TomcatServer server, String path, String admissionClass, boolean readFirst) {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoLinger(true, 0); // close() sends a RST: the server's next write fails
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Class: " + admissionClass + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (readFirst) {
                InputStream in = socket.getInputStream();
                in.readNBytes(1);
            }
            return "reset";
        } catch (IOException e) {
            throw new IllegalStateException(path, e);
        }
    }
}
