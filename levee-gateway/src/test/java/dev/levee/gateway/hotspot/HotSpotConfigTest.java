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
package dev.levee.gateway.hotspot;

import dev.levee.gateway.config.ConfigException;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.HotSpotsConfig;
import dev.levee.gateway.config.LeveeConfig;
import dev.levee.gateway.config.RouteConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class HotSpotConfigTest {

    @Test
    void defaultsMatchTheDesign() {
        LeveeConfig c = ConfigLoader.load("""
                routes:
                  - path: /api/v3/fixtures/odds
                    public: false
                    hot-spot: true
                """, Map.of());
        RouteConfig.HotSpot h = c.routes().get(0).hotSpot();
        assertThat(h.key()).isEqualTo("query:fixture_id");
        assertThat(h.limit()).isEqualTo(50);
        assertThat(h.window()).isEqualTo(Duration.ofSeconds(60));
        assertThat(h.queue()).isEqualTo(100);
        assertThat(h.maxWait()).isEqualTo(Duration.ofSeconds(30));
        HotSpotsConfig g = c.hotSpots();
        assertThat(g.maxKeys()).isEqualTo(10_000);
        assertThat(g.alertThreshold()).isEqualTo(0.8);
        assertThat(g.metricsTopK()).isEqualTo(10);
        assertThat(g.warming().enabled()).isFalse();
        assertThat(g.warming().warmBefore()).isEqualTo(Duration.ofMinutes(15));
        assertThat(g.warming().fixturesPath()).isEqualTo("/api/v3/fixtures");
        assertThat(g.warming().major().upstreamFlag()).isTrue();
    }

    @Test
    void environmentOverridesAndBadValuesNameTheKey() {
        LeveeConfig c = ConfigLoader.load("", Map.of("LEVEE_HOT_SPOTS_MAX_KEYS", "500",
                "LEVEE_HOT_SPOTS_WARMING_WARM_BEFORE", "30m"));
        assertThat(c.hotSpots().maxKeys()).isEqualTo(500);
        assertThat(c.hotSpots().warming().warmBefore()).isEqualTo(Duration.ofMinutes(30));
        assertThat(catchThrowable(() -> ConfigLoader.load("hot-spots: { alert-threshold: 1.5 }", Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("hot-spots.alert-threshold: 1.5 (expected: > 0 and <= 1)");
        assertThat(catchThrowable(() -> ConfigLoader.load(
                "hot-spots: { warming: { major: { name-patterns: [\"(\"] } } }", Map.of())))
                .hasMessage("hot-spots.warming.major.name-patterns: '(' (expected: a regular expression)");
        assertThat(catchThrowable(() -> ConfigLoader.load("""
                routes:
                  - path: /odds
                    public: false
                    hot-spot: { key: "cookie:x" }
                """, Map.of()))).hasMessage(
                "routes[0].hot-spot.key: 'cookie:x' (expected: query:NAME, path:N or header:NAME)");
    }
}
