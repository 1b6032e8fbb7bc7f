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
package dev.levee.gateway.auth;

import dev.levee.gateway.config.AdmissionConfig;
import dev.levee.gateway.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ClassifierTest {
    private final Classifier defaults = new Classifier(ConfigLoader.load(Map.of()).admission());

    private static Map<String, Object> claims(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void defaultRules() {
        assertThat(defaults.classify(null)).isEqualTo("browser");
        assertThat(defaults.classify(claims())).isEqualTo("browser");
        assertThat(defaults.classify(claims("role", "agent"))).isEqualTo("agent");
        assertThat(defaults.classify(claims("role", "agent", "recent_bet_count", 9L))).isEqualTo("agent");
        assertThat(defaults.classify(claims("recent_bet_count", 1L))).isEqualTo("active_bettor");
        assertThat(defaults.classify(claims("role", "user", "recent_bet_count", 0.5))).isEqualTo("active_bettor");
        assertThat(defaults.classify(claims("role", "user", "recent_bet_count", 0L))).isEqualTo("browser");
        assertThat(defaults.classify(claims("role", "user", "recent_bet_count", -3L))).isEqualTo("browser");
    }

    @Test
    void missingOrIllTypedClaimsFallThrough() {
        assertThat(defaults.classify(claims("role", "AGENT"))).isEqualTo("browser");
        assertThat(defaults.classify(claims("role", 7L, "recent_bet_count", 2L))).isEqualTo("active_bettor");
        assertThat(defaults.classify(claims("role", List.of("agent")))).isEqualTo("browser");
        assertThat(defaults.classify(claims("role", null, "recent_bet_count", "5"))).isEqualTo("browser");
        assertThat(defaults.classify(claims("recent_bet_count", true))).isEqualTo("browser");
        assertThat(defaults.classify(claims("recent_bet_count", Double.NaN))).isEqualTo("browser");
    }

    @Test
    void configuredRulesWithEveryOperator() {
        AdmissionConfig c = ConfigLoader.load("""
                admission:
                  classes:
                    - { name: staff, when: { claim: roles, contains: ops } }
                    - { name: vip, when: { claim: tier, equals: 3 } }
                    - { name: partner, when: { claim: partner, equals: true } }
                    - { name: anonymous }
                    - { name: scraper, when: { claim: bot, equals: "yes" } }
                """, Map.of()).admission();
        Classifier k = new Classifier(c);
        assertThat(k.classify(claims("roles", List.of("dev", "ops")))).isEqualTo("staff");
        assertThat(k.classify(claims("roles", "ops"))).isEqualTo("anonymous");
        assertThat(k.classify(claims("tier", 3L))).isEqualTo("vip");
        assertThat(k.classify(claims("tier", 3.0))).isEqualTo("vip");
        assertThat(k.classify(claims("tier", "3"))).isEqualTo("anonymous");
        assertThat(k.classify(claims("partner", true))).isEqualTo("partner");
        assertThat(k.classify(claims("partner", "true"))).isEqualTo("anonymous");
        assertThat(k.classify(claims("bot", "yes"))).isEqualTo("scraper");
        assertThat(k.classify(null)).isEqualTo("anonymous");
        assertThat(c.classes()).extracting(AdmissionConfig.ClassConfig::name).containsExactly("staff", "vip", "partner", "anonymous", "scraper");
    }
}
