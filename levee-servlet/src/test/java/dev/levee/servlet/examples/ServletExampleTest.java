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
package dev.levee.servlet.examples;

import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.time.ManualTicker;
import dev.levee.core.time.Scheduler;
import dev.levee.servlet.AdmissionFilter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** README "Use it as a library": the servlet filter, registered the portable way, in a real Tomcat. */
class ServletExampleTest {
    private final ManualTicker ticker = new ManualTicker();
    private final Scheduler scheduler = ticker;
    private PriorityAdmission admission;

    /** What an application's ServletContainerInitializer (or ServletContextListener) does at startup. */
    void onStartup(ServletContext context) {
        // README:begin servlet
        PriorityAdmission admission = PriorityAdmission.builder()
                .addClass("partner", 100).addClass("browser", 1_000)
                .maxConcurrent(200).maxWait(Duration.ofSeconds(2))
                .ticker(ticker).scheduler(scheduler)
                .build();
        AdmissionFilter filter = AdmissionFilter.builder(admission)
                .classifier(request -> request.getHeader("X-Api-Key") != null ? "partner" : null) // null: lowest
                .excludePaths("/health", "/metrics")    // never queued, never shed
                .build();
        FilterRegistration.Dynamic levee = context.addFilter("levee", filter);
        levee.setAsyncSupported(true);                  // async servlets behind it keep working
        levee.addMappingForUrlPatterns(null, false, "/*");
        // shed: 429 {"error":"Server busy","retry_after":N,"priority":"browser"} and Retry-After: N
        // README:end servlet
        this.admission = admission;
    }

    @Test
    void theFilterAdmitsEachRequestInItsClass() throws Exception {
        var baseDir = Files.createTempDirectory("levee-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setPort(0);
        Context context = tomcat.addContext("", baseDir.toString());
        ServletContainerInitializer app = (Set<Class<?>> classes, ServletContext ctx) -> {
            onStartup(ctx);
            ctx.addServlet("odds", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    var permit = (dev.levee.core.admission.Permit) req.getAttribute(AdmissionFilter.PERMIT_ATTRIBUTE);
                    resp.getWriter().write(permit == null ? "not admitted" : permit.admissionClass());
                }
            }).addMapping("/odds", "/health");
        };
        context.addServletContainerInitializer(app, null);
        tomcat.start();
        try (HttpClient client = HttpClient.newHttpClient()) {
            String base = "http://127.0.0.1:" + tomcat.getConnector().getLocalPort();
            assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/odds")).header("X-Api-Key", "k1")
                    .build(), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("partner");
            assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/odds")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("browser");
            assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("not admitted");
            // the permit goes back when the call has ended on the server, which may be just after the client read the answer
            await().untilAsserted(() -> assertThat(admission.stats().inFlight()).isZero());
            assertThat(admission.stats().forClass("partner").admitted()).isEqualTo(1);
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }
}
