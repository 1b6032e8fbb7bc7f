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
package dev.levee.gateway.dashboard;

import dev.levee.core.time.Ticker;
import dev.levee.gateway.testing.GatewayExtension;
import dev.levee.testing.Tokens;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real headless Chromium while the gateway is under mixed load: agents, bettors and browsers
 * reading odds (one fixture hammered past its hot-spot alert, so its window queues and answers 429), admission
 * small enough to queue and shed, and events flowing to a local sink.
 *
 * <p>Proves: the page and everything it loads come from the gateway and raise no console error (a blocked
 * outside load would be a CSP error in the console); the charts redraw with more points between two reads; the
 * top-10 table lists the hammered fixture and highlights it as alerting; a screenshot lands in
 * {@code target/dashboard.png}.
 */
class DashboardBrowserTest {
    private static final String SECRET = "dashboard-test-secret-0123456789abcdef";
    private static final String ODDS = "/api/v3/fixtures/odds";
    private static final String HOT = "42";

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> {
                r.get(ODDS).handler(ctx -> ctx.vertx().setTimer(15, t -> ctx.response()
                        .putHeader("Content-Type", "application/json")
                        .end("{\"fixture_id\":\"" + ctx.request().getParam("fixture_id") + "\",\"odds\":[1.9,3.4]}")));
                r.post("/ingest").handler(ctx -> ctx.vertx().setTimer(5, t -> ctx.response().setStatusCode(204).end()));
            })
            .config("""
                    auth: { jwt: { hmac-secret: "%s" } }
                    admission: { max-concurrent: 6, queue-capacity: 8, max-wait: 5s }
                    routes:
                      - path: %s
                        public: true
                        coalesce: { max-wait: 5s }
                        hot-spot: { key: "query:fixture_id", limit: 50, window: 60s, queue: 20, max-wait: 1s }
                        breaker: {}
                    events: { sink: "${upstream}/ingest", warning-threshold: 200, critical-threshold: 1000, recovery-threshold: 100 }
                    """.formatted(SECRET, ODDS))
            .build();

    private LoadLoop load;
    private ChromeDriver driver;

    private static String bearer(Map<String, Object> claims) {
        return "Bearer " + Tokens.hs256(SECRET, Tokens.claims(Ticker.system().epochMillis(), claims).build());
    }

    @BeforeEach
    void startLoad() {
        String agent = bearer(Map.of("role", "agent"));
        String bettor = bearer(Map.of("role", "user", "recent_bet_count", 3));
        int[] counter = new int[1];
        load = new LoadLoop(gw.vertx(), gw.port(), 24, id -> {
            int n = counter[0]++;
            if (id < 2) { // a steady trickle of telemetry
                return new LoadLoop.Call(HttpMethod.POST, "/api/v1/events", Map.of("Content-Type", "application/json"),
                        "{\"type\":\"telemetry-data\",\"payload\":{\"n\":" + n + "}}");
            }
            // most readers want the big game; the rest spread thin over 200 fixtures (none near its limit)
            String fixture = n % 4 == 0 ? String.valueOf(1000 + n % 200) : HOT;
            String uri = ODDS + "?fixture_id=" + fixture;
            if (id < 5) {
                return new LoadLoop.Call(HttpMethod.GET, uri, Map.of("Authorization", agent), null);
            }
            if (id < 10) {
                return new LoadLoop.Call(HttpMethod.GET, uri, Map.of("Authorization", bettor), null);
            }
            return LoadLoop.Call.get(uri);
        });
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (load != null) {
            load.close();
        }
    }

    @Test
    void liveDashboardUnderLoad() throws Exception {
        driver = Chromium.start(Path.of("target", "chromium-profile-" + ProcessHandle.current().pid()));
        String base = "http://127.0.0.1:" + gw.adminPort();
        driver.get(base + "/dashboard");
        assertThat(driver.getTitle()).isEqualTo("Levee dashboard");

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
                Integer.parseInt(Chromium.attribute(driver, "#status", "data-updates"))).isGreaterThanOrEqualTo(2));

        // the charts update: more points drawn one read later, and the load shows up as a non-zero rate
        int before = points("#chart-admitted");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(points("#chart-admitted")).isGreaterThan(before));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                Double.parseDouble(Chromium.attribute(driver, "#chart-admitted", "data-last"))).isGreaterThan(0));
        assertThat(points("#chart-events")).isPositive();
        assertThat(points("#chart-wait")).isPositive();
        assertThat(points("#chart-shed")).isPositive();
        assertThat(points("#chart-hit")).isPositive();

        // the hammered fixture is in the top-10 table, highlighted past 80 % of its limit
        String hotRow = "#top tbody tr[data-key='" + HOT + "']";
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(((Number) driver.executeScript("return document.querySelectorAll(arguments[0]).length",
                    hotRow)).intValue()).isEqualTo(1);
            assertThat(Chromium.attribute(driver, hotRow, "class")).contains("alert");
        });
        assertThat(Chromium.attribute(driver, "#top tbody tr", "data-key"))
                .as("the hammered fixture ranks first by calls per minute").isEqualTo(HOT);
        assertThat(Chromium.text(driver, "#breakers")).contains(ODDS).contains("CLOSED");
        assertThat(Chromium.text(driver, "#events-circuit")).isEqualTo("CLOSED");
        assertThat(Chromium.text(driver, "#events-thresholds")).contains("critical").contains("1000");

        // nothing came from another origin
        @SuppressWarnings("unchecked")
        List<String> resources = (List<String>) driver.executeScript(
                "return performance.getEntriesByType('resource').map(e => e.name)");
        assertThat(resources).isNotEmpty().allMatch(u -> u.startsWith(base + "/"), "served by the gateway");

        // give the charts a few more seconds of history for the screenshot, then keep it under target/
        int now = points("#chart-admitted");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(points("#chart-admitted")).isGreaterThan(now + 3));
        Path shot = Path.of("target", "dashboard.png");
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(shot)).isGreaterThan(10_000);

        List<String> severe = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.WARNING.intValue()) {
                severe.add(e.getLevel() + " " + e.getMessage());
            }
        }
        assertThat(severe).as("browser console warnings and errors").isEmpty();
        assertThat(load.count(200)).as("load: %s", load).isPositive();
        assertThat(load.count(429)).as("the hot fixture's window or admission answered 429: %s", load).isPositive();
    }

    private int points(String chart) {
        String p = Chromium.attribute(driver, chart, "data-points");
        return p == null ? 0 : Integer.parseInt(p);
    }
}
