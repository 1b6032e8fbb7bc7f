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
package dev.levee.gateway.tracing;

import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code tracing.sample-ratio: 0}: a new trace is not recorded, yet a client's sampled {@code traceparent} is
 * followed (parent-based sampling), and an unsampled request's client traceparent still reaches the upstream.
 */
class TracingSampleRatioTest {
    static final OtlpReceiver receiver = new OtlpReceiver();
    static final Map<String, String> upstreamParents = new ConcurrentHashMap<>();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.route().handler(ctx -> {
                upstreamParents.put(ctx.request().path(), String.valueOf(ctx.request().getHeader("traceparent")));
                ctx.response().end("ok");
            }))
            .features(List.of())
            .config("""
                    tracing: { otlp-endpoint: "%s", sample-ratio: 0.0, export-timeout: 2s }
                    """.formatted(receiver.endpoint()))
            .build();

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @Test
    void newTracesAreNotRecordedButASampledParentIsFollowed() throws Exception {
        assertThat(gw.get("/new").statusCode()).isEqualTo(200);
        String unsampled = "00-77777777777777777777777777777777-00f067aa0ba902b7-00";
        assertThat(gw.get("/unsampled", "traceparent", unsampled).statusCode()).isEqualTo(200);
        String sampled = "88888888888888888888888888888888";
        assertThat(gw.get("/sampled", "traceparent", "00-" + sampled + "-00f067aa0ba902b7-01").statusCode())
                .isEqualTo(200);

        // spans leave in the order they ended: once the sampled trace's are in, the others' would be too
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.trace(sampled).size() == 2);
        assertThat(receiver.spans()).allMatch(s -> s.traceId().equals(sampled));
        assertThat(upstreamParents.get("/new")).isEqualTo("null");
        assertThat(upstreamParents.get("/unsampled")).isEqualTo(unsampled); // not recorded: passed through
        assertThat(upstreamParents.get("/sampled")).startsWith("00-" + sampled + "-").endsWith("-01")
                .isNotEqualTo("00-" + sampled + "-00f067aa0ba902b7-01");
    }
}
