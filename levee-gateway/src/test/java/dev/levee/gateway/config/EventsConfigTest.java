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
package dev.levee.gateway.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The events section: defaults, presets, explicit values over presets, and the original environment names. */
class EventsConfigTest {

    @Test
    void defaultsAreTheOriginalNumbers() {
        EventsConfig e = ConfigLoader.load(Map.of()).events();
        assertThat(e.enabled()).isTrue();
        assertThat(e.preset()).isNull();
        assertThat(e.warningThreshold()).isEqualTo(10_000);
        assertThat(e.criticalThreshold()).isEqualTo(50_000);
        assertThat(e.recoveryThreshold()).isEqualTo(5_000);
        assertThat(e.effectiveCapacity()).isEqualTo(100_000);
        assertThat(e.stablePeriod()).isEqualTo(Duration.ofSeconds(30));
        assertThat(e.defaultPriority()).isEqualTo(5);
        assertThat(e.priorities()).containsEntry("scheduled", 1).containsEntry("critical-alarm", 1)
                .containsEntry("telemetry-data", 5).containsEntry("batch-operation", 10);
    }

    @Test
    void presetsCarryTheOriginalNumbers() {
        assertThat(thresholds("events: { preset: dev }")).containsExactly(1_000, 5_000, 500);
        assertThat(thresholds("events: { preset: prod-10k }")).containsExactly(10_000, 50_000, 5_000);
        assertThat(thresholds("events: { preset: prod-100k }")).containsExactly(50_000, 200_000, 25_000);
        assertThat(ConfigLoader.load("events: { preset: prod-100k }", Map.of()).events().effectiveCapacity())
                .isEqualTo(400_000);
    }

    @Test
    void explicitThresholdsWinOverThePreset() {
        assertThat(thresholds("events: { preset: dev, critical-threshold: 6000 }")).containsExactly(1_000, 6_000, 500);
        EventsConfig e = ConfigLoader.load("events: { preset: dev }", Map.of("QUEUE_WARNING_THRESHOLD", "2000"))
                .events();
        assertThat(e.warningThreshold()).isEqualTo(2_000);
        assertThat(e.criticalThreshold()).isEqualTo(5_000);
    }

    @Test
    void theCliPresetOverrideSelectsAPresetAndNamesTheValidOnes() {
        Map<String, String> env = new HashMap<>(Map.of("LEVEE_EVENTS_PRESET", "prod-100k"));
        env.putAll(EventsConfig.presetOverride("dev")); // the flag wins over the environment
        assertThat(ConfigLoader.load(env).events().criticalThreshold()).isEqualTo(5_000);
        assertThatThrownBy(() -> EventsConfig.presetOverride("huge"))
                .hasMessage("preset: 'huge' (expected: one of [dev, prod-10k, prod-100k])");
        assertThatThrownBy(() -> ConfigLoader.load("events: { preset: huge }", Map.of()))
                .hasMessageStartingWith("events.preset: 'huge'");
    }

    @Test
    void theOriginalEnvironmentNamesStillWork() {
        EventsConfig e = ConfigLoader.load(Map.of(
                "QUEUE_WARNING_THRESHOLD", "1200",
                "QUEUE_CRITICAL_THRESHOLD", "6000",
                "QUEUE_RECOVERY_THRESHOLD", "600",
                "DEFAULT_EVENT_PRIORITY", "7")).events();
        assertThat(e.warningThreshold()).isEqualTo(1_200);
        assertThat(e.criticalThreshold()).isEqualTo(6_000);
        assertThat(e.recoveryThreshold()).isEqualTo(600);
        assertThat(e.defaultPriority()).isEqualTo(7);
        assertThat(ConfigLoader.load(Map.of("ENABLE_BACKPRESSURE", "false")).events().enabled()).isFalse();
        assertThat(ConfigLoader.load(Map.of("LEVEE_EVENTS_CRITICAL_THRESHOLD", "70000")).events()
                .criticalThreshold()).isEqualTo(70_000);
    }

    @Test
    void badValuesAreRejectedWithKeyAndValue() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("QUEUE_CRITICAL_THRESHOLD", "8000")))
                .hasMessageContaining("events.thresholds: recovery 5000, warning 10000, critical 8000");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("DEFAULT_EVENT_PRIORITY", "0")))
                .hasMessage("events.default-priority: 0 (expected: 1..10)");
        assertThatThrownBy(() -> ConfigLoader.load("events: { recovery-threshold: 35000, warning-threshold: 40000 }",
                Map.of())).hasMessageStartingWith("events.recovery-threshold: 35000 (expected: <= 0.6 x critical");
        assertThatThrownBy(() -> ConfigLoader.load("events: { sink: 'ftp://x' }", Map.of()))
                .hasMessageStartingWith("events.sink: 'ftp://x'");
        assertThatThrownBy(() -> ConfigLoader.load("events: { capacity: 10 }", Map.of()))
                .hasMessageStartingWith("events.capacity: 10");
        assertThatThrownBy(() -> ConfigLoader.load("events: { priorities: { x: 11 } }", Map.of()))
                .hasMessage("events.priorities.x: 11 (expected: 1..10)");
    }

    private static int[] thresholds(String yaml) {
        EventsConfig e = ConfigLoader.load(yaml, Map.of()).events();
        return new int[]{e.warningThreshold(), e.criticalThreshold(), e.recoveryThreshold()};
    }
}
