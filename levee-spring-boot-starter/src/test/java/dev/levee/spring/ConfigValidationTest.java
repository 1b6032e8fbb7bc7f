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

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.levee.spring.app.TestApp;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** Bad {@code levee.*} config stops the context with the gateway's message, the key path first. */
class ConfigValidationTest {

    @Test
    void zeroMaxConcurrentNamesTheKey() {
        assertFailsWith("levee.admission.max-concurrent: 0 (expected: > 0)", "--levee.admission.max-concurrent=0");
    }

    @Test
    void aClassNameNamesItsIndex() {
        assertFailsWith("levee.admission.classes[1].name: 'Bettor' (expected: lower case letters",
                "--levee.admission.classes[0].name=agent", "--levee.admission.classes[0].when.header=X-Class",
                "--levee.admission.classes[1].name=Bettor", "--levee.admission.classes[1].when.header=X-Class",
                "--levee.admission.classes[2].name=browser");
    }

    @Test
    void twoFallbackClasses() {
        assertFailsWith("levee.admission.classes: 2 classes [bettor, browser] without 'when' (expected: exactly one "
                + "fallback class", "--levee.admission.classes[0].name=agent",
                "--levee.admission.classes[0].when.header=X-Class", "--levee.admission.classes[1].name=bettor",
                "--levee.admission.classes[2].name=browser");
    }

    @Test
    void aRouteHotSpotWindow() {
        assertFailsWith("levee.routes[0].hot-spot.window: 0s (expected: > 0)", "--levee.routes[0].path=/odds",
                "--levee.routes[0].hot-spot.limit=2", "--levee.routes[0].hot-spot.window=0s");
    }

    private static void assertFailsWith(String message, String... args) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(TestApp.class)
                .web(WebApplicationType.NONE).run(args).close())
                .satisfies(e -> {
                    StringBuilder chain = new StringBuilder();
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        chain.append(t.getMessage()).append('\n');
                    }
                    org.assertj.core.api.Assertions.assertThat(chain.toString()).contains(message);
                });
    }
}
