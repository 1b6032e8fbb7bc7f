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
package dev.levee.gateway.readpath;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read path's upstream timeout (real time, 300 ms) is a 504 "Upstream timeout", not the 502 of the stream
 * reset that ends the call, and the in-flight slot is given back.
 */
class ReadPathTimeoutTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HeldUpstream upstream = new HeldUpstream();

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> upstream.mount(r, "/api"))
            .features(List.of(ReadPathFeature::new))
            .config("""
                    upstream: { url: "${upstream}", timeout: 300ms, max-in-flight: 1 }
                    routes:
                      - path: /api
                        breaker: { enabled: false }
                    """)
            .build();

    @AfterEach
    void recover() {
        upstream.hold = false;
        upstream.release();
    }

    @Test
    void aHungReadIs504AndFreesItsSlot() throws Exception {
        upstream.hold = true;
        HttpResponse<String> r = gw.get("/api/x?k=1");
        assertThat(r.statusCode()).isEqualTo(504);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("error").asText()).isEqualTo("Upstream timeout");
        assertThat(body.get("timeout_ms").asInt()).isEqualTo(300);
        upstream.hold = false;
        assertThat(gw.get("/api/x?k=2").statusCode()).isEqualTo(200); // max-in-flight 1: the slot is free again
    }
}
