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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.gateway.testing.GatewayExtension;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * HTTP/2 on the cleartext port (h2c by prior knowledge and by Upgrade) through the real gateway: each stream is a
 * request like an HTTP/1.1 one (headers, bodies, coalescing across the streams of one connection), and a client
 * that opens and resets streams in a loop loses its connection while another keeps being served.
 */
class Http2GatewayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger oddsCalls = new AtomicInteger();
    private static final Queue<RoutingContext> held = new ConcurrentLinkedQueue<>();
    private static final AtomicBoolean hold = new AtomicBoolean();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> {
                r.get("/hello").handler(ctx -> ctx.end("hi"));
                r.get("/headers").handler(ctx -> {
                    JsonObject out = new JsonObject();
                    ctx.request().headers().forEach(h -> out.put(h.getKey().toLowerCase(java.util.Locale.ROOT),
                            h.getValue()));
                    ctx.json(out);
                });
                r.post("/echo").handler(BodyHandler.create()).handler(ctx -> ctx.end(ctx.body().buffer()));
                r.get("/api/odds").handler(ctx -> {
                    oddsCalls.incrementAndGet();
                    if (hold.get()) {
                        held.add(ctx);
                    } else {
                        ctx.end("odds");
                    }
                });
            })
            .config("""
                    admin: { token: "secret-admin" }
                    server: { http2: { max-concurrent-streams: 200, rst-flood-max-per-window: 50,
                                       rst-flood-window: 30s } }
                    routes:
                      - path: /api/odds
                        coalesce: { max-wait: 10s }
                    """)
            .build();

    private HttpClientAgent client;

    @BeforeEach
    void client() {
        client = h2cClient(1);
    }

    @AfterEach
    void close() throws Exception {
        hold.set(false);
        releaseHeld();
        client.close().await(10, TimeUnit.SECONDS);
    }

    private HttpClientAgent h2cClient(int connections) {
        return gw.vertx().createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                        .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(gw.port())
                        .setHttp2MultiplexingLimit(1000),
                new PoolOptions().setHttp2MaxSize(connections));
    }

    private static void releaseHeld() {
        RoutingContext ctx;
        while ((ctx = held.poll()) != null) {
            RoutingContext c = ctx;
            c.vertx().runOnContext(v -> c.end("odds"));
        }
    }

    private record Answer(int status, HttpVersion version, String body, HttpConnection connection) {}

    private Future<Answer> send(HttpClientAgent c, HttpMethod method, String uri, String body) {
        return c.request(method, uri).compose(req -> (body == null ? req.send() : req.send(body))
                .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), resp.version(), b.toString(),
                        req.connection()))));
    }

    @Test
    void priorKnowledgeH2cIsServedAsHttp2() throws Exception {
        Answer a = send(client, HttpMethod.GET, "/hello", null).await(10, TimeUnit.SECONDS);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.version()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(a.body()).isEqualTo("hi");
    }

    @Test
    void jdkClientUpgradesToH2cAndHttp11IsStillServed() throws Exception {
        HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> upgraded = jdk.send(HttpRequest.newBuilder(gw.uri("/hello")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(upgraded.statusCode()).isEqualTo(200);
        assertThat(upgraded.body()).isEqualTo("hi");
        assertThat(upgraded.version()).isEqualTo(HttpClient.Version.HTTP_2);
        HttpResponse<String> next = jdk.send(HttpRequest.newBuilder(gw.uri("/hello")).build(),
                HttpResponse.BodyHandlers.ofString()); // on the upgraded connection
        assertThat(next.version()).isEqualTo(HttpClient.Version.HTTP_2);
        HttpClient http11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> plain = http11.send(HttpRequest.newBuilder(gw.uri("/hello")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }

    @Test
    void anUpgradeRequestWithABodyBringsItsBody() throws Exception {
        HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        byte[] body = "chunked on HTTP/1.1, DATA frames after the upgrade".getBytes(StandardCharsets.US_ASCII);
        HttpResponse<String> r = jdk.send(HttpRequest.newBuilder(gw.uri("/echo")).POST(HttpRequest.BodyPublishers
                .ofInputStream(() -> new java.io.ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString()); // no length: Transfer-Encoding: chunked, Upgrade: h2c
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(new String(body, StandardCharsets.US_ASCII));
    }

    @Test
    void upstreamGetsHostFromAuthorityAndNoPseudoHeaders() throws Exception {
        Answer a = send(client, HttpMethod.GET, "/headers", null).await(10, TimeUnit.SECONDS);
        assertThat(a.status()).isEqualTo(200);
        JsonNode seen = JSON.readTree(a.body());
        List<String> names = new ArrayList<>();
        seen.fieldNames().forEachRemaining(names::add);
        assertThat(names).noneMatch(n -> n.startsWith(":"));
        assertThat(seen.path("x-forwarded-host").asText()).isEqualTo("127.0.0.1:" + gw.port());
        assertThat(seen.path("x-forwarded-proto").asText()).isEqualTo("http");
    }

    @Test
    void requestBodiesReachTheUpstreamWithAndWithoutContentLength() throws Exception {
        Answer withLength = send(client, HttpMethod.POST, "/echo", "a body of some length")
                .await(10, TimeUnit.SECONDS);
        assertThat(withLength.status()).isEqualTo(200);
        assertThat(withLength.body()).isEqualTo("a body of some length");
        // a streamed body: DATA frames without a content-length
        Answer streamed = client.request(HttpMethod.POST, "/echo").compose(req -> {
            req.setChunked(true);
            req.write("part one, ");
            return req.send(Buffer.buffer("part two")).compose(resp -> resp.body().map(b -> new Answer(
                    resp.statusCode(), resp.version(), b.toString(), req.connection())));
        }).await(10, TimeUnit.SECONDS);
        assertThat(streamed.status()).isEqualTo(200);
        assertThat(streamed.body()).isEqualTo("part one, part two");
    }

    @Test
    void concurrentStreamsOfOneConnectionAreCoalescedIntoOneUpstreamCall() throws Exception {
        hold.set(true);
        int before = oddsCalls.get();
        int n = 50;
        List<Future<Answer>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(send(client, HttpMethod.GET, "/api/odds?t=h2", null));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> pendingCoalesced() >= n - 1 && held.size() == 1);
        assertThat(oddsCalls.get() - before).isEqualTo(1);
        hold.set(false);
        releaseHeld();
        List<Answer> answers = Future.all(all).await(30, TimeUnit.SECONDS).<Answer>list();
        assertThat(answers).allSatisfy(a -> {
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.body()).isEqualTo("odds");
            assertThat(a.version()).isEqualTo(HttpVersion.HTTP_2);
        });
        Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
        answers.forEach(a -> connections.add(a.connection()));
        assertThat(connections).as("one connection, many streams").hasSize(1);
        assertThat(oddsCalls.get() - before).isEqualTo(1);
    }

    private int pendingCoalesced() throws Exception {
        JsonNode stats = JSON.readTree(gw.admin("/api/v1/shared/deduplication/stats").body());
        return stats.path("pending_requests").asInt(stats.path("stats").path("pending_requests").asInt());
    }

    /** {@code rst-flood-max-per-window} in the config above. */
    private static final int RST_LIMIT = 50;

    @Test
    void rapidResetClosesTheAttackersConnectionWhileOthersAreServed() throws Exception {
        // a well-behaved client with a connection of its own, open before the attack and used after it
        Answer before = send(client, HttpMethod.GET, "/hello", null).await(10, TimeUnit.SECONDS);
        try (Socket attacker = new Socket("127.0.0.1", gw.port())) {
            attacker.setSoTimeout(20_000);
            OutputStream out = attacker.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            frame(out, 0x4, 0, 0, new byte[0]); // SETTINGS
            byte[] authority = ("127.0.0.1:" + gw.port()).getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            block.write(new byte[] {(byte) 0x82, (byte) 0x86, (byte) 0x84}); // GET, http, / (HPACK static table)
            block.write(0x01); // :authority, literal without indexing
            block.write(authority.length);
            block.write(authority);
            // open a stream and cancel it at once, one more time than the window allows (CVE-2023-44487); sent
            // in one go and no more, so the server reads every byte before it closes and its GOAWAY arrives
            ByteArrayOutputStream attack = new ByteArrayOutputStream();
            for (int i = 0; i <= RST_LIMIT; i++) {
                int stream = 1 + 2 * i;
                frame(attack, 0x1, 0x4 | 0x1, stream, block.toByteArray()); // HEADERS, END_HEADERS | END_STREAM
                frame(attack, 0x3, 0, stream, new byte[] {0, 0, 0, 0x8}); // RST_STREAM CANCEL
            }
            out.write(attack.toByteArray());
            out.flush();
            DataInputStream in = new DataInputStream(attacker.getInputStream());
            long goAwayCode = -1;
            while (true) { // frames until the server closes the connection
                int length;
                try {
                    length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
                } catch (EOFException closed) {
                    break;
                }
                int type = in.readUnsignedByte();
                in.readUnsignedByte(); // flags
                in.readInt(); // stream
                byte[] payload = in.readNBytes(length);
                if (type == 0x7) { // GOAWAY: last stream id, error code
                    goAwayCode = ByteBuffer.wrap(payload, 4, 4).getInt() & 0xffffffffL;
                }
            }
            assertThat(goAwayCode).as("GOAWAY ENHANCE_YOUR_CALM, then the connection is closed").isEqualTo(0xb);
        }
        Answer after = send(client, HttpMethod.GET, "/hello", null).await(10, TimeUnit.SECONDS);
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.connection()).as("the other client's connection was left alone")
                .isSameAs(before.connection());
    }

    private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload)
            throws java.io.IOException {
        out.write(new byte[] {(byte) (payload.length >> 16), (byte) (payload.length >> 8), (byte) payload.length,
                (byte) type, (byte) flags, (byte) (stream >> 24), (byte) (stream >> 16), (byte) (stream >> 8),
                (byte) stream});
        out.write(payload);
    }

    @Test
    void guardRefusalsOnAStreamLeaveTheConnectionUp() throws Exception {
        Answer trace = send(client, HttpMethod.TRACE, "/hello", null).await(10, TimeUnit.SECONDS);
        assertThat(trace.status()).isEqualTo(405);
        Answer after = send(client, HttpMethod.GET, "/hello", null).await(10, TimeUnit.SECONDS);
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.connection()).isSameAs(trace.connection());
    }
}
