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
package dev.levee.gateway.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.core.time.ManualTicker;
import dev.levee.gateway.config.EffectiveConfig;
import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /health} names the config the gateway runs: the hash {@code levee validate} prints, and when it was loaded. */
class HealthConfigIdentityTest {
    private static final long LOADED_AT = Instant.parse("2026-03-01T12:00:00Z").toEpochMilli();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.route().handler(ctx -> ctx.end("ok")))
            .ticker(new ManualTicker(LOADED_AT))
            .config("""
                    admin: { token: "identity-admin-token" }
                    admission: { max-concurrent: 42 }
                    """)
            .build();

    @Test
    void healthShowsTheHashOfTheRunningConfigAndWhenItWasLoaded() throws Exception {
        HttpResponse<String> r = gw.admin("/health");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode config = new ObjectMapper().readTree(r.body()).path("config");
        String hash = EffectiveConfig.hash(gw.gateway().config());
        assertThat(hash).matches("[0-9a-f]{12}");
        assertThat(config.path("hash").asText()).isEqualTo(hash);
        assertThat(config.path("loaded_at").asText()).isEqualTo("2026-03-01T12:00:00Z");
        assertThat(gw.gateway().configIdentity().hash()).isEqualTo(hash);
        assertThat(r.body()).doesNotContain("identity-admin-token");
    }
}
