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

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.testing.GatewayExtension;
import dev.levee.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamDownTest {
    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .config("upstream: { url: \"http://127.0.0.1:" + Ports.closed() + "\" }")
            .build();

    @Test
    void upstreamUnreachableIs502Json() throws Exception {
        HttpResponse<String> r = gw.get("/anything");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(new ObjectMapper().readTree(r.body()).get("error").asText()).isEqualTo("Upstream unreachable");
    }
}
