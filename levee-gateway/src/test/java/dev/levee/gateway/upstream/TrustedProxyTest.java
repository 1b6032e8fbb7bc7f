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
package dev.levee.gateway.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.testing.GatewayExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** A peer listed in server.trusted-proxies keeps its forwarding headers; the gateway extends the chain. */
class TrustedProxyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.route().handler(ctx -> {
                JsonObject headers = new JsonObject();
                ctx.request().headers().forEach(e -> headers.put(e.getKey().toLowerCase(), e.getValue()));
                ctx.end(headers.encode());
            }))
            .config("""
                    server: { trusted-proxies: ["10.0.0.0/8", "127.0.0.1"] }
                    upstream: { url: "${upstream}", timeout: 2s }
                    """)
            .build();

    @Test
    void aTrustedPeersChainIsKeptAndExtended() throws Exception {
        JsonNode headers = JSON.readTree(gw.get("/a", "X-Forwarded-For", "203.0.113.9", "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "odds.example", "Forwarded", "for=203.0.113.9").body());
        assertThat(headers.get("x-forwarded-for").asText()).isEqualTo("203.0.113.9, 127.0.0.1");
        assertThat(headers.get("x-forwarded-proto").asText()).isEqualTo("https");
        assertThat(headers.get("x-forwarded-host").asText()).isEqualTo("odds.example");
        assertThat(headers.get("forwarded").asText()).isEqualTo("for=203.0.113.9");
    }
}
