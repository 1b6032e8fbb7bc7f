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

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Headless Debian Chromium through Debian's chromedriver. Both paths are fixed (overridable with
 * {@code -Dlevee.chromium=...} and {@code -Dlevee.chromedriver=...}) so Selenium Manager never downloads a browser
 * or a driver; a missing binary fails the test with the install line instead of skipping it.
 */
final class Chromium {
    static final String BROWSER = System.getProperty("levee.chromium", "/usr/bin/chromium");
    static final String DRIVER = System.getProperty("levee.chromedriver", "/usr/bin/chromedriver");

    private Chromium() {}

    static ChromeDriver start(Path userDataDir) throws IOException {
        assertThat(Files.isExecutable(Path.of(BROWSER)) && Files.isExecutable(Path.of(DRIVER)))
                .as("the dashboard browser test needs Debian's Chromium at %s and chromedriver at %s; install them "
                        + "with: apt-get update && apt-get install -y chromium chromium-driver", BROWSER, DRIVER)
                .isTrue();
        System.setProperty("webdriver.chrome.driver", DRIVER);
        Files.createDirectories(userDataDir);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-extensions", "--window-size=1400,1100",
                "--user-data-dir=" + userDataDir.toAbsolutePath());
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return driver;
    }

    /**
     * The rendered text of the first element matching {@code css}, or null. Read in one script call: the page
     * re-renders its panels every second, so a {@code WebElement} found one call earlier may already be gone
     * (a stale element reference).
     */
    static String text(ChromeDriver driver, String css) {
        return (String) driver.executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css);
    }

    /** An attribute of the first element matching {@code css}, or null; one script call, as {@link #text}. */
    static String attribute(ChromeDriver driver, String css, String name) {
        return (String) driver.executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
                css, name);
    }
}
