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
package dev.levee.loadtest;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Mixes, key distributions, templates, scenarios and option validation. */
class LoadOptionsTest {

    @Test
    void mixParsesAndAllocatesExactly() {
        ClientMix mix = ClientMix.parse("agent=10,active-bettor=30,browser=60");
        assertThat(mix).isEqualTo(ClientMix.DEFAULT);
        assertThat(mix.allocate(10_000)).isEqualTo(Map.of(ClientClass.AGENT, 1_000, ClientClass.ACTIVE_BETTOR, 3_000,
                ClientClass.BROWSER, 6_000));
        Map<ClientClass, Integer> odd = ClientMix.parse("agent=1,active_bettor=1,browser=1").allocate(10);
        assertThat(odd.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
        assertThat(odd.values()).allSatisfy(n -> assertThat(n).isBetween(3, 4));
        assertThat(ClientMix.parse("browser=5").allocate(7)).containsEntry(ClientClass.BROWSER, 7)
                .containsEntry(ClientClass.AGENT, 0);
        assertThat(mix.toString()).isEqualTo("agent=10,active_bettor=30,browser=60");
        assertThatThrownBy(() -> ClientMix.parse("agent=x")).hasMessageContaining("'x'");
        assertThatThrownBy(() -> ClientMix.parse("robot=1")).hasMessageContaining("'robot'");
        assertThatThrownBy(() -> ClientMix.parse("agent=0")).hasMessageContaining("at least one weight");
    }

    @Test
    void zipfFavoursLowKeysInProportionToTheExponent() {
        KeyDistribution.Sampler zipf = KeyDistribution.parse("zipf:1.0:100").sampler();
        SplittableRandom random = new SplittableRandom(3);
        long[] counts = new long[101];
        for (int i = 0; i < 200_000; i++) {
            long k = zipf.next(random);
            assertThat(k).isBetween(1L, 100L);
            counts[(int) k]++;
        }
        // s = 1: P(1)/P(2) = 2 and P(1)/P(10) = 10; H(100) ~ 5.187, so P(1) ~ 0.193
        assertThat((double) counts[1] / counts[2]).isBetween(1.9, 2.1);
        assertThat((double) counts[1] / counts[10]).isBetween(9.0, 11.0);
        assertThat(counts[1] / 200_000.0).isBetween(0.185, 0.2);
    }

    @Test
    void uniformCoversEveryKey() {
        KeyDistribution.Sampler u = KeyDistribution.parse("uniform:5").sampler();
        SplittableRandom random = new SplittableRandom(1);
        long[] counts = new long[6];
        for (int i = 0; i < 50_000; i++) {
            counts[(int) u.next(random)]++;
        }
        for (int k = 1; k <= 5; k++) {
            assertThat(counts[k]).isBetween(9_000L, 11_000L);
        }
        assertThat(KeyDistribution.parse("zipf:1.1:1000")).isEqualTo(KeyDistribution.zipf(1.1, 1000));
        assertThatThrownBy(() -> KeyDistribution.parse("zipf:1.1")).hasMessageContaining("uniform:K or zipf:S:K");
        assertThatThrownBy(() -> KeyDistribution.parse("uniform:0")).hasMessageStartingWith("keys: 0");
    }

    @Test
    void templatesFillPlaceholdersAndKeepOtherBraces() {
        Template t = Template.parse("{\"type\":\"x\",\"payload\":{\"f\":{fixture},\"c\":{client},\"k\":\"{class}\",\"s\":{seq}}}");
        assertThat(t.render(17, 3, ClientClass.ACTIVE_BETTOR, 9))
                .isEqualTo("{\"type\":\"x\",\"payload\":{\"f\":17,\"c\":3,\"k\":\"active_bettor\",\"s\":9}}");
        assertThat(Template.parse("/odds?fixture_id={fixture}&t={now}").render(5, 0, ClientClass.AGENT, 0))
                .matches("/odds\\?fixture_id=5&t=\\d{13}");
    }

    @Test
    void scenariosAreDataReachableByName() {
        Scenario s = Scenario.byName("admission-10k");
        assertThat(s).isEqualTo(Scenario.ADMISSION_10K);
        LoadOptions o = s.toBuilder("http://127.0.0.1:8080").build();
        assertThat(o.concurrency()).isEqualTo(10_000);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.mix()).isEqualTo(ClientMix.DEFAULT);
        assertThat(Scenario.byName("EVENTS").toBuilder("http://h:1").build().method()).isEqualTo("POST");
        assertThatThrownBy(() -> Scenario.byName("nope")).hasMessageContaining("admission-10k");
    }

    @Test
    void optionsRejectBadValuesNamingThem() {
        assertThatThrownBy(() -> LoadOptions.builder().concurrency(0).build())
                .hasMessage("concurrency: 0 (expected: 1..200000)");
        assertThatThrownBy(() -> LoadOptions.builder().jwtSecret("short").build())
                .hasMessage("jwtSecret: 5 bytes (expected: at least 32 bytes, as HS256 requires)");
        assertThatThrownBy(() -> LoadOptions.builder().url("ftp://x").build()).hasMessageStartingWith("url: 'ftp://x'");
        assertThatThrownBy(() -> LoadOptions.builder().duration(null).requests(0).build())
                .hasMessageContaining("a duration, a request count or both");
        assertThatThrownBy(() -> LoadOptions.builder().path("odds").build()).hasMessageStartingWith("path: 'odds'");
    }
}
