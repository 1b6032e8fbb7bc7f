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

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a reload changes, what it can apply live and what it reports as needing a restart. */
class ConfigChangesTest {
    private static final String BASE = """
            upstream: { url: "http://127.0.0.1:9000" }
            admission:
              max-concurrent: 10
              classes:
                - { name: agent, when: { claim: role, equals: agent } }
                - { name: browser }
            routes:
              - path: /odds
                cache: { fresh: 5s }
            """;

    private static LeveeConfig load(String yaml) {
        return ConfigLoader.load(yaml, Map.of());
    }

    @Test
    void theSameConfigChangesNothing() {
        ConfigChanges c = ConfigChanges.between(load(BASE), load(BASE));
        assertThat(c.unchanged()).isTrue();
        assertThat(c.needsRestart()).isEmpty();
        assertThat(c.applied()).isEqualTo(load(BASE));
    }

    @Test
    void routesUpstreamsAndAdmissionLimitsApplyLive() {
        LeveeConfig next = load(BASE.replace("fresh: 5s", "fresh: 9s").replace("max-concurrent: 10",
                "max-concurrent: 20\n  queue-capacity: 7").replace("9000", "9001"));
        ConfigChanges c = ConfigChanges.between(load(BASE), next);
        assertThat(c.changed()).containsExactlyInAnyOrder("admission.max-concurrent", "admission.queue-capacity",
                "routes[0].cache.fresh", "upstream.url");
        assertThat(c.needsRestart()).isEmpty();
        assertThat(c.applied()).isEqualTo(next);
    }

    @Test
    void listenersStoreAndSecretsNeedARestartAndKeepTheirRunningValues() {
        LeveeConfig running = load(BASE);
        LeveeConfig next = load((BASE + """
                server: { port: 9999 }
                store: { type: redis }
                admin: { token: "a-new-secret" }
                """).replace("fresh: 5s", "fresh: 6s"));
        ConfigChanges c = ConfigChanges.between(running, next);
        assertThat(c.needsRestart()).containsExactly("admin.token", "server.port", "store.type"); // sorted keys
        assertThat(c.changed()).contains("routes[0].cache.fresh").containsAll(c.needsRestart());
        assertThat(c.applied().server()).isEqualTo(running.server());
        assertThat(c.applied().store()).isEqualTo(running.store());
        assertThat(c.applied().admin()).isEqualTo(running.admin());
        assertThat(c.applied().routes()).isEqualTo(next.routes()); // the live part still applies
        assertThat(String.join(",", c.changed())).doesNotContain("a-new-secret"); // keys only, never values
    }

    @Test
    void classNamesOrTheKindOfLimitNeedARestartAndTheWholeAdmissionBlockStays() {
        LeveeConfig running = load(BASE);
        LeveeConfig renamed = load(BASE.replace("name: browser", "name: web").replace("max-concurrent: 10",
                "max-concurrent: 12"));
        ConfigChanges c = ConfigChanges.between(running, renamed);
        assertThat(c.needsRestart()).containsExactlyInAnyOrder("admission.classes[1].name",
                "admission.max-concurrent");
        assertThat(c.applied().admission()).isEqualTo(running.admission());

        ConfigChanges auto = ConfigChanges.between(running, load(BASE.replace("max-concurrent: 10",
                "max-concurrent: auto")));
        assertThat(auto.needsRestart()).containsExactly("admission.max-concurrent");
        assertThat(auto.applied()).isEqualTo(running);
    }
}
