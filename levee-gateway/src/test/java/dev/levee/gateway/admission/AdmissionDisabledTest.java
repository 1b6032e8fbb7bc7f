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

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.testing.GatewayExtension;
import dev.levee.testing.Tokens;
import io.vertx.ext.web.RoutingContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code admission.enabled: false}: no limit, no queue, no shedding; authentication still classifies. */
class AdmissionDisabledTest {
    static final String SECRET = "a-test-secret-that-is-at-least-32-bytes-long";
    static final ConcurrentLinkedQueue<RoutingContext> held = new ConcurrentLinkedQueue<>();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.get("/hold").handler(held::add))
            .config("""
                    upstream: { url: "${upstream}", timeout: 60s }
                    auth: { jwt: { hmac-secret: "%s" } }
                    admission: { enabled: false, max-concurrent: 1, queue-capacity: 1 }
                    """.formatted(SECRET))
            .features(List.of(AdmissionFeature::new)).filters(List.of(ProbeFeature.filter()))
            .build();

    @Test
    void passesEverythingThroughButStillClassifies() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> parked = new ArrayList<>();
        for (int i = 0; i < 6; i++) { // six at once against a limit of one and a queue of one
            parked.add(gw.http().sendAsync(HttpRequest.newBuilder(gw.uri("/hold")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        await().until(() -> held.size() == 6);
        held.forEach(ctx -> ctx.end("done"));
        for (CompletableFuture<HttpResponse<String>> f : parked) {
            assertThat(f.join().statusCode()).isEqualTo(200);
        }

        String agent = "Bearer " + Tokens.hs256(SECRET, Tokens.claims(System.currentTimeMillis(),
                Map.of("role", "agent")).build());
        HttpResponse<String> r = gw.get("/probe", "Authorization", agent);
        assertThat(new ObjectMapper().readTree(r.body()).get("class").asText()).isEqualTo("agent");
        assertThat(gw.get("/probe", "Authorization", "Bearer forged").statusCode()).isEqualTo(401);

        var stats = gw.gateway().feature(AdmissionFeature.class).admission().stats();
        assertThat(stats.classes()).allSatisfy(c -> assertThat(c.admitted()).isZero());
        var health = new ObjectMapper().readTree(gw.admin("/health/backpressure").body());
        assertThat(health.get("enabled").asBoolean()).isFalse();
        assertThat(health.get("tokens_verified").asBoolean()).as("a key is configured").isTrue();
        assertThat(health.get("status").asText()).isEqualTo("UP");
    }
}
