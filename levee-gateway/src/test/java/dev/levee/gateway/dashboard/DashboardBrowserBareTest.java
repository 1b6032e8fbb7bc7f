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

import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The page on a gateway that runs nothing but the dashboard (no admission, read path, hot spots or events): it
 * still updates, says what is not running, and raises no script error on the missing sections.
 */
class DashboardBrowserBareTest {
    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .features(List.of(DashboardFeature::new))
            .build();

    private ChromeDriver driver;

    @AfterEach
    void quit() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void pageRendersWithoutTheOtherFeatures() throws Exception {
        driver = Chromium.start(Path.of("target", "chromium-profile-bare-" + ProcessHandle.current().pid()));
        driver.get("http://127.0.0.1:" + gw.adminPort() + "/dashboard");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
                Integer.parseInt(Chromium.attribute(driver, "#status", "data-updates"))).isGreaterThanOrEqualTo(3));
        assertThat(Chromium.attribute(driver, "#status", "class")).contains("ok");
        assertThat(Chromium.text(driver, "#admission-now")).isEqualTo("admission not running");
        assertThat(Chromium.text(driver, "#events-now")).isEqualTo("events disabled");
        assertThat(Chromium.text(driver, "#hotspot-now")).isEqualTo("no hot-spot routes");
        assertThat((Boolean) driver.executeScript(
                "const e = document.getElementById('breakers-none'); return e !== null && e.checkVisibility();"))
                .as("the 'no breakers' note is shown").isTrue();
        List<String> problems = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.WARNING.intValue()) {
                problems.add(e.getLevel() + " " + e.getMessage());
            }
        }
        assertThat(problems).as("browser console warnings and errors").isEmpty();
    }
}
