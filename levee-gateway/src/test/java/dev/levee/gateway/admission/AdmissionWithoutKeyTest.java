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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admission with no JWT key configured (the defaults): tokens cannot be verified, so every request is the fallback
 * class; the gateway says so in {@code /health/backpressure} (and logs a warning at start) instead of leaving an
 * operator to find out when agents are shed with the browsers.
 */
class AdmissionWithoutKeyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .config("""
                    upstream: { url: "${upstream}" }
                    """)
            .features(List.of(AdmissionFeature::new)).filters(List.of(ProbeFeature.filter()))
            .build();

    @Test
    void everyRequestIsTheFallbackClassAndHealthSaysTokensAreNotVerified() throws Exception {
        for (String authorization : List.of("Bearer x.y.z", "Bearer not-a-jwt")) {
            JsonNode probe = JSON.readTree(gw.get("/probe", "Authorization", authorization).body());
            assertThat(probe.get("class").asText()).as(authorization).isEqualTo("browser");
        }
        JsonNode health = JSON.readTree(gw.admin("/health/backpressure").body());
        assertThat(health.get("enabled").asBoolean()).isTrue();
        assertThat(health.get("tokens_verified").asBoolean()).isFalse();
    }
}
