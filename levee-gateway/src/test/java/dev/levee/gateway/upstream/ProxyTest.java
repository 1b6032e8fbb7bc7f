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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The plain proxy, through the real gateway, against a local upstream that echoes what it received. */
class ProxyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger hits = new AtomicInteger();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> {
                r.route("/echo*").handler(ctx -> ctx.request().body().onSuccess(body -> {
                    JsonObject headers = new JsonObject();
                    ctx.request().headers().forEach(e -> headers.put(e.getKey().toLowerCase(), e.getValue()));
                    ctx.response().putHeader("Content-Type", "application/json")
                            .putHeader("X-Upstream", "yes")
                            .putHeader("Connection", "keep-alive, X-Secret-Hop")
                            .putHeader("X-Secret-Hop", "should not pass")
                            .end(new JsonObject()
                                    .put("method", ctx.request().method().name())
                                    .put("uri", ctx.request().uri())
                                    .put("headers", headers)
                                    .put("length", body.length())
                                    .put("sha256", sha256(body.getBytes()))
                                    .encode());
                }));
                r.route("/status/:code").handler(ctx -> ctx.response()
                        .setStatusCode(Integer.parseInt(ctx.pathParam("code"))).end("status body"));
                r.get("/slow").handler(ctx -> ctx.vertx().setTimer(60_000, t -> ctx.end("late")));
                r.get("/big").handler(ctx -> ctx.end(io.vertx.core.buffer.Buffer.buffer(new byte[3 << 20])));
                r.get("/count").handler(ctx -> ctx.end(String.valueOf(hits.incrementAndGet())));
            })
            // a timeout that a 5 MB upload meets on a loaded machine; /slow never answers within it
            .config("upstream: { url: \"${upstream}\", timeout: 4s }")
            .build();

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "DELETE", "OPTIONS"})
    void forwardsMethodPathAndQuery(String method) throws Exception {
        HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.uri("/echo/a/b?x=1&y=%20z"))
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode echo = JSON.readTree(r.body());
        assertThat(echo.get("method").asText()).isEqualTo(method);
        assertThat(echo.get("uri").asText()).isEqualTo("/echo/a/b?x=1&y=%20z");
    }

    @Test
    void forwardsEndToEndHeadersAddsForwardedAndDropsHopByHop() throws Exception {
        HttpResponse<String> r = gw.get("/echo", "X-Custom", "v1", "X-Forwarded-For", "10.1.1.1",
                "Authorization", "Bearer abc");
        JsonNode headers = JSON.readTree(r.body()).get("headers");
        assertThat(headers.get("x-custom").asText()).isEqualTo("v1");
        assertThat(headers.get("authorization").asText()).isEqualTo("Bearer abc");
        // the client is no trusted proxy: its claimed chain is replaced by the connection's address
        assertThat(headers.get("x-forwarded-for").asText()).isEqualTo("127.0.0.1");
        assertThat(headers.get("x-forwarded-proto").asText()).isEqualTo("http");
        assertThat(headers.get("x-forwarded-host").asText()).isEqualTo("127.0.0.1:" + gw.port());
        assertThat(r.headers().firstValue("X-Upstream")).contains("yes");
        assertThat(r.headers().firstValue("X-Secret-Hop")).isEmpty();
    }

    @Test
    void dropsTheClientsForwardingAndRewriteHeaders() throws Exception {
        HttpResponse<String> r = gw.get("/echo", "X-Forwarded-Host", "evil.example", "X-Forwarded-Port", "1",
                "X-Forwarded-Prefix", "/evil", "Forwarded", "for=1.2.3.4;host=evil.example", "X-Original-URL",
                "/admin", "X-Rewrite-URL", "/admin", "X-Real-IP", "1.2.3.4", "X-HTTP-Method-Override", "DELETE",
                "HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA"); // the JDK client may not send Upgrade itself
        JsonNode headers = JSON.readTree(r.body()).get("headers");
        assertThat(headers.get("x-forwarded-host").asText()).isEqualTo("127.0.0.1:" + gw.port());
        for (String dropped : new String[] {"x-forwarded-port", "x-forwarded-prefix", "forwarded", "x-original-url",
                "x-rewrite-url", "x-real-ip", "x-http-method-override", "http2-settings"}) {
            assertThat(headers.has(dropped)).as(dropped).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 64 * 1024, 5 * 1024 * 1024})
    void streamsRequestBodiesOfAnySizeUnchanged(int size) throws Exception {
        byte[] body = new byte[size];
        new Random(size).nextBytes(body);
        HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        JsonNode echo = JSON.readTree(r.body());
        assertThat(echo.get("method").asText()).isEqualTo("POST");
        assertThat(echo.get("length").asInt()).isEqualTo(size);
        assertThat(echo.get("sha256").asText()).isEqualTo(sha256(body));
    }

    @Test
    void streamsChunkedRequestBodies() throws Exception {
        byte[] body = new byte[300_000];
        new Random(7).nextBytes(body);
        HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.uri("/echo"))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                .build());
        JsonNode echo = JSON.readTree(r.body());
        assertThat(echo.get("length").asInt()).isEqualTo(body.length);
        assertThat(echo.get("sha256").asText()).isEqualTo(sha256(body));
    }

    @Test
    void streamsLargeResponses() throws Exception {
        HttpResponse<byte[]> r = gw.http().send(HttpRequest.newBuilder(gw.uri("/big")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).hasSize(3 << 20);
    }

    @ParameterizedTest
    @ValueSource(ints = {201, 204, 301, 400, 404, 409, 418, 500, 503})
    void passesUpstreamStatusCodesThrough(int code) throws Exception {
        HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.uri("/status/" + code)).build());
        assertThat(r.statusCode()).isEqualTo(code);
    }

    @Test
    void upstreamTimeoutIs504Json() throws Exception {
        HttpResponse<String> r = gw.get("/slow");
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(JSON.readTree(r.body()).get("error").asText()).isEqualTo("Upstream timeout");
    }

    @Test
    void unknownOpsLikePathsAreStillProxied() throws Exception {
        assertThat(gw.get("/count").statusCode()).isEqualTo(200);
    }

    @Test
    void healthAndMetricsAnswer() throws Exception {
        gw.get("/count");
        HttpResponse<String> health = gw.admin("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("UP");
        assertThat(gw.get("/health/liveness").statusCode()).isEqualTo(200);
        assertThat(gw.get("/health/readiness").statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = gw.admin("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("levee_http_requests_seconds_count{route=\"proxy\",status=\"2xx\"}");
        assertThat(metrics.body()).contains("levee_http_requests_seconds_bucket");
    }

    @Test
    void timeoutDoesNotBreakLaterRequests() throws Exception {
        assertThat(gw.get("/slow").statusCode()).isEqualTo(504);
        assertThat(gw.send(HttpRequest.newBuilder(gw.uri("/count")).timeout(Duration.ofSeconds(5)).build())
                .statusCode()).isEqualTo(200);
    }
}
