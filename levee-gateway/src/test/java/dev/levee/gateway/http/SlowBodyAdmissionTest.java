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
package dev.levee.gateway.http;

import dev.levee.gateway.admission.AdmissionFeature;
import dev.levee.gateway.testing.GatewayExtension;
import dev.levee.testing.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Slow bodies hold connections, never admission permits: with more clients trickling bodies than there are permits,
 * no permit is taken, and an agent (and anyone else) is still served; complete bodies, declared or chunked, reach the
 * upstream whole.
 */
class SlowBodyAdmissionTest {
    private static final String SECRET = "a-test-secret-that-is-at-least-32-bytes-long";
    private static final int PERMITS = 5;
    private static final int SLOW_CLIENTS = 20;
    private static final AtomicInteger upstreamCalls = new AtomicInteger();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> {
                r.route().handler(ctx -> {
                    upstreamCalls.incrementAndGet();
                    ctx.next();
                });
                r.get("/echo").handler(ctx -> ctx.end("ok"));
                r.post("/upload").handler(ctx -> ctx.request().body().onSuccess(b -> ctx.end("got " + b)));
            })
            .config("""
                    server: { host: 127.0.0.1, port: 0, event-loops: 2, shutdown-grace: 2s, body-timeout: 60s }
                    upstream: { url: "${upstream}", timeout: 10s }
                    auth: { jwt: { hmac-secret: "%s" } }
                    admission: { max-concurrent: %d, queue-capacity: 50, max-wait: 30s }
                    """.formatted(SECRET, PERMITS))
            .features(List.of(AdmissionFeature::new))
            .build();

    private static String agent() {
        return "Bearer " + Tokens.hs256(SECRET, Tokens.claims(System.currentTimeMillis(),
                Map.of("role", "agent")).build());
    }

    private static double buffered() {
        return gw.gateway().registry().get("levee.request.body.buffered").gauge().value();
    }

    @Test
    void clientsTricklingBodiesHoldNoPermitAndAnAgentIsServed() throws Exception {
        int before = upstreamCalls.get();
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                Socket s = new Socket("127.0.0.1", gw.port());
                s.getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nx")
                        .getBytes(StandardCharsets.ISO_8859_1)); // 1 of 1000 bytes, and then nothing
                slow.add(s);
            }
            // every slow client is being read (one byte each is buffered), and none holds or waits for a permit
            await().atMost(Duration.ofSeconds(20)).until(() -> buffered() == SLOW_CLIENTS);
            AdmissionFeature admission = gw.gateway().feature(AdmissionFeature.class);
            assertThat(admission.admission().stats().inFlight()).isZero();
            assertThat(admission.admission().stats().queued()).isZero();

            HttpResponse<String> a = gw.send(HttpRequest.newBuilder(gw.uri("/echo"))
                    .header("Authorization", agent()).timeout(Duration.ofSeconds(10)).build());
            assertThat(a.statusCode()).isEqualTo(200);
            HttpResponse<String> browser = gw.send(HttpRequest.newBuilder(gw.uri("/echo"))
                    .timeout(Duration.ofSeconds(10)).build());
            assertThat(browser.statusCode()).isEqualTo(200);
            HttpResponse<String> upload = gw.send(HttpRequest.newBuilder(gw.uri("/upload"))
                    .header("Authorization", agent()).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString("hello")).build());
            assertThat(upload.body()).isEqualTo("got hello");
            assertThat(upstreamCalls.get() - before).isEqualTo(3); // nothing of the slow bodies reached the upstream
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
        // gone clients give their buffered bytes back
        await().atMost(Duration.ofSeconds(20)).until(() -> buffered() == 0);
    }

    @Test
    void aChunkedBodyIsReadWholeAndSentWithItsLength() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gw.port())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 200").endsWith("got hello world");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
