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

import dev.levee.core.admission.ClassStats;
import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.time.Scheduler;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A measurement, not a check (wall-clock bound, so off by default):
 * {@code ./mvnw -B -q -o -pl levee-servlet -am test -Dtest=MixedLoadMeasurement -Dlevee.measure=true
 * -Dsurefire.failIfNoSpecifiedTests=false}. Three classes of 50 closed-loop clients each against a servlet that
 * takes 20 ms, behind a filter admitting 20 at a time; prints what each class got.
 */
@EnabledIfSystemProperty(named = "levee.measure", matches = "true")
class MixedLoadMeasurement {
    private static final List<String> CLASSES = List.of("agent", "bettor", "browser");
    private static final int CLIENTS_PER_CLASS = 50;
    private static final int REQUESTS_PER_CLIENT = 40;
    private static final long WORK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    @Test
    void threeClassesAgainstASlowServlet() throws Exception {
        PriorityAdmission admission = PriorityAdmission.builder()
                .addClass("agent", 50).addClass("bettor", 50).addClass("browser", 50)
                .maxConcurrent(20)
                .maxWait(Duration.ofMillis(500))
                .scheduler(Scheduler.system("levee-measure"))
                .build();
        AdmissionFilter filter = AdmissionFilter.builder(admission)
                .classifier(request -> request.getHeader("X-Class"))
                .build();
        ServletContainerInitializer app = (classes, context) -> {
            context.addFilter("levee", filter).addMappingForUrlPatterns(null, false, "/*");
            context.addServlet("slow", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    LockSupport.parkNanos(WORK_NANOS); // the application's work
                    resp.getWriter().write("ok");
                }
            }).addMapping("/slow");
        };
        Map<String, Map<Integer, LongAdder>> counts = new ConcurrentHashMap<>();
        long started = System.nanoTime();
        try (TomcatServer server = TomcatServer.start(app);
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (String admissionClass : CLASSES) {
                for (int c = 0; c < CLIENTS_PER_CLASS; c++) {
                    all.add(clients.submit(() -> {
                        for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
                            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(server.uri("/slow"))
                                    .header("X-Class", admissionClass).build(), HttpResponse.BodyHandlers.discarding());
                            counts.computeIfAbsent(admissionClass, k -> new ConcurrentHashMap<>())
                                    .computeIfAbsent(r.statusCode(), k -> new LongAdder()).increment();
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.printf("%d clients x %d requests, 20 ms servlet, maxConcurrent 20, queue 50/class, max-wait 500 ms,"
                + " %d ms%n", CLASSES.size() * CLIENTS_PER_CLASS, REQUESTS_PER_CLIENT, elapsedMs);
        System.out.printf("%-8s %6s %6s %6s %10s %10s%n", "class", "200", "429", "503", "wait p50", "wait p99");
        for (String admissionClass : CLASSES) {
            Map<Integer, LongAdder> byStatus = counts.getOrDefault(admissionClass, Map.of());
            ClassStats stats = admission.stats().forClass(admissionClass);
            System.out.printf("%-8s %6d %6d %6d %10s %10s%n", admissionClass, sum(byStatus, 200), sum(byStatus, 429),
                    sum(byStatus, 503), stats.waitP50(), stats.waitP99());
        }
        assertThat(admission.stats().inFlight()).isZero();
    }

    private static long sum(Map<Integer, LongAdder> byStatus, int status) {
        LongAdder n = byStatus.get(status);
        return n == null ? 0 : n.sum();
    }
}
