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

import dev.levee.gateway.config.AdmissionConfig;
import dev.levee.gateway.config.ConfigException;
import dev.levee.gateway.config.ConfigLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admission and auth sections this feature added: defaults, overrides and a named error for each bad input. */
class AdmissionConfigTest {

    @Test
    void defaultsAreTheThreeClassesAndTheirRules() {
        var c = ConfigLoader.load(Map.of());
        AdmissionConfig a = c.admission();
        assertThat(a.classes()).extracting(AdmissionConfig.ClassConfig::name).containsExactly("agent", "active_bettor", "browser");
        assertThat(a.fallbackClass()).isEqualTo("browser");
        assertThat(a.classes().get(0).when().claim()).isEqualTo("role");
        assertThat(a.classes().get(0).when().equals()).isEqualTo("agent");
        assertThat(a.classes().get(1).when().greaterThan()).isEqualTo(0.0);
        assertThat(a.classes().get(2).queueCapacity()).isNull();
        assertThat(c.auth().jwt().clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.auth().jwt().jwksCache()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.auth().jwt().enabled()).isFalse();
    }

    @Test
    void classesReplaceTheDefaultListAndTakeAPerClassCapacity() {
        AdmissionConfig a = ConfigLoader.load("""
                admission:
                  classes:
                    - { name: gold, queue-capacity: 50, when: { claim: plan, equals: gold } }
                    - { name: everyone }
                """, Map.of()).admission();
        assertThat(a.classes()).extracting(AdmissionConfig.ClassConfig::name).containsExactly("gold", "everyone");
        assertThat(a.classes().get(0).queueCapacity()).isEqualTo(50);
    }

    @Test
    void environmentOverridesReachListElements() {
        AdmissionConfig a = ConfigLoader.load(Map.of("LEVEE_ADMISSION_CLASSES_0_WHEN_EQUALS", "supervisor",
                "LEVEE_ADMISSION_MAX_CONCURRENT", "800")).admission();
        assertThat(a.classes().get(0).when().equals()).isEqualTo("supervisor");
        assertThat(a.maxConcurrent().value()).isEqualTo(800);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "admission: { classes: [] }                                   | admission.classes: empty (expected: at least one class",
            "admission: { classes: [ {name: a}, {name: b} ] }             | admission.classes: 2 classes [a, b] without 'when' (expected: exactly one fallback class",
            "admission: { classes: [ {name: a, when: {claim: x, equals: 1}} ] } | admission.classes: no class without 'when' (expected: exactly one fallback class",
            "admission: { classes: [ {name: a}, {name: a, when: {claim: x, equals: 1}} ] } | admission.classes[1].name: a (expected: each class once)",
            "admission: { classes: [ {name: Agent} ] }                    | admission.classes[0].name: 'Agent' (expected: lower case letters",
            "admission: { classes: [ {queue-capacity: 3} ] }              | admission.classes[0].name: missing",
            "admission: { classes: [ {name: a, queue-capacity: 0} ] }     | admission.classes[0].queue-capacity: 0 (expected: > 0)",
            "admission: { classes: [ {name: a, when: {claim: x}}, {name: b} ] } | admission.classes[0].when: 0 operators (expected: exactly one of equals, greater-than, contains)",
            "admission: { classes: [ {name: a, when: {claim: x, equals: 1, contains: y}}, {name: b} ] } | admission.classes[0].when: 2 operators",
            "admission: { classes: [ {name: a, when: {equals: 1}}, {name: b} ] } | admission.classes[0].when.claim: missing",
            "admission: { classes: [ {name: a, when: {claim: x, above: 1}}, {name: b} ] } | admission.classes[0].when.above: unknown key",
            "admission: { classes: [ {name: a, when: {claim: x, greater-than: lots}}, {name: b} ] } | admission.classes[0].when.greater-than: 'lots' is not a valid number",
            "admission: { classes: [ {name: a, when: {claim: x, equals: [1]}}, {name: b} ] } | admission.classes[0].when.equals: [1] (expected: a string, number or boolean)",
            "admission: { classes: [ {name: a, priority: 1} ] }           | admission.classes[0].priority: unknown key",
            "auth: { jwt: { jwks-url: 'ftp://keys' } }                    | auth.jwt.jwks-url: 'ftp://keys' (expected: an http:// or https:// URL)",
            "auth: { jwt: { clock-skew: -1s } }                           | auth.jwt.clock-skew",
            "auth: { jwt: { jwks-cache: 0s } }                            | auth.jwt.jwks-cache: 0s (expected: > 0)",
    })
    void badValuesAreRefusedNamingTheKey(String yaml, String message) {
        assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message);
    }
}
