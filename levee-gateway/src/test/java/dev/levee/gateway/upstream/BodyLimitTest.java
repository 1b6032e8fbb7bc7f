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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** server.max-body-size bounds what the proxy forwards, whether or not the client declares a length. */
class BodyLimitTest {
    private static final AtomicInteger upstreamBodies = new AtomicInteger();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.route().handler(ctx -> ctx.request().body().onSuccess(b -> {
                upstreamBodies.incrementAndGet();
                ctx.end(String.valueOf(b.length()));
            })))
            .config("server: { host: 127.0.0.1, port: 0, event-loops: 1, max-body-size: 64KB }")
            .build();

    @Test
    void declaredOversizeBodyIs413BeforeAnythingIsSent() throws Exception {
        int before = upstreamBodies.get();
        HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.uri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[65 * 1024])).build());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(new ObjectMapper().readTree(r.body()).get("error").asText()).isEqualTo("Request body too large");
        assertThat(upstreamBodies.get()).isEqualTo(before);
    }

    @Test
    void chunkedOversizeBodyIs413() throws Exception {
        byte[] body = new byte[256 * 1024];
        HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.uri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build());
        assertThat(r.statusCode()).isEqualTo(413);
    }

    @Test
    void bodyAtTheLimitPasses() throws Exception {
        HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.uri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[64 * 1024])).build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(String.valueOf(64 * 1024));
    }
}
