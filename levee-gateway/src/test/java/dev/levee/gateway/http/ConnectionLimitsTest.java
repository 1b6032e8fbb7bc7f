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

import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connection-level bounds through the real gateway, on raw sockets: the header timeout closes a connection whose
 * request head trickles in (and one left idle after a response), a trickling body gets 408 and is closed, and a
 * body past {@code server.max-body-size} gets 413 and is closed without the rest being read. Short timeouts (1 s);
 * every assertion is on what the connection did, with bounds far above them.
 */
class ConnectionLimitsTest {
    private static final int MAX_BODY = 1 << 20;
    private static final long WRITE_CAP = 64L << 20;
    private static final AtomicInteger upstreamBodies = new AtomicInteger();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> {
                r.get("/echo").handler(ctx -> ctx.end("ok"));
                r.get("/slow").handler(ctx -> ctx.vertx().setTimer(2_500, t -> ctx.end("slow")));
                r.post("/upload").handler(ctx -> ctx.request().body().onSuccess(b -> {
                    upstreamBodies.incrementAndGet();
                    ctx.end(String.valueOf(b.length()));
                }));
            })
            .config("""
                    server: { host: 127.0.0.1, port: 0, event-loops: 2, shutdown-grace: 2s, max-body-size: 1MB,
                              header-timeout: 1s, body-timeout: 1s }
                    upstream: { url: "${upstream}", timeout: 10s }
                    events: { max-body-size: 1MB }
                    """)
            .build();

    private final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        trickler.shutdownNow();
    }

    private static Socket open() throws IOException {
        Socket s = new Socket("127.0.0.1", gw.port());
        s.setSoTimeout(20_000); // far above the 1 s timeouts: a connection still open after this fails the test
        return s;
    }

    private void trickle(Socket s, String each) {
        trickler.scheduleAtFixedRate(() -> {
            try {
                s.getOutputStream().write(each.getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
            } catch (IOException e) {
                throw new RuntimeException(e); // closed by the gateway: stops the trickle
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
    }

    @Test
    void aTricklingRequestHeadIsClosedByTheHeaderTimeout() throws Exception {
        try (Socket s = open()) {
            s.getOutputStream().write("GET /echo HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
            trickle(s, "X-A: 1\r\n"); // a byte every few ms keeps the idle timeout from ever firing
            assertThat(RawSockets.readUntilClosed(s)).doesNotContain("HTTP/1.1 200");
        }
    }

    @Test
    void aKeptAliveConnectionWithoutANextRequestIsClosedByTheHeaderTimeout() throws Exception {
        try (Socket s = open()) {
            s.getOutputStream().write("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String answer = RawSockets.readUntilClosed(s);
            assertThat(answer).startsWith("HTTP/1.1 200").endsWith("ok").containsOnlyOnce("HTTP/1.1");
        }
    }

    @Test
    void aResponseSlowerThanTheHeaderTimeoutIsNotCut() throws Exception {
        HttpResponse<String> r = gw.get("/slow");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("slow");
    }

    @Test
    void twoRequestsOnOneConnectionAreBothServed() throws Exception {
        try (Socket s = open()) {
            s.getOutputStream().write(("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String answer = RawSockets.readUntilClosed(s);
            assertThat(answer.split("HTTP/1.1 200", -1)).hasSize(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/upload", "/api/v1/events"})
    void aTricklingBodyGets408AndIsClosed(String path) throws Exception {
        int before = upstreamBodies.get();
        try (Socket s = open()) {
            s.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            trickle(s, " ");
            String answer = RawSockets.readUntilClosed(s);
            assertThat(answer).startsWith("HTTP/1.1 408").contains("Connection: close")
                    .contains("\"error\":\"Request body timeout\"");
        }
        assertThat(upstreamBodies.get()).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"/upload, chunked", "/upload, length", "/api/v1/events, chunked", "/api/v1/events, length"})
    void aBodyPastTheLimitGets413AndTheRestIsNeverRead(String path, String framing) throws Exception {
        int before = upstreamBodies.get();
        try (Socket s = open()) {
            boolean chunked = framing.equals("chunked");
            s.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + (1L << 30) + "\r\n")
                    + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return RawSockets.readUntilClosed(s);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            long written = 0;
            byte[] chunk = new byte[64 << 10];
            byte[] head = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            OutputStream out = s.getOutputStream();
            try {
                while (written < WRITE_CAP) { // the 1 GB the client means to send, of which we try the first 64 MB
                    if (chunked) {
                        out.write(head);
                    }
                    out.write(chunk);
                    if (chunked) {
                        out.write('\r');
                        out.write('\n');
                    }
                    written += chunk.length;
                }
            } catch (IOException closedByTheGateway) {
                // what we want: the gateway stopped reading and closed
            }
            // what the socket accepted: the 1 MB limit, the gateway's read buffers and both kernels' socket buffers
            assertThat(written).as("bytes the gateway let us write").isLessThan(WRITE_CAP);
            String response = answer.get(30, TimeUnit.SECONDS);
            // the 413 is written before the close; a reset racing it may discard it on our side
            if (!response.isEmpty()) {
                assertThat(response).startsWith("HTTP/1.1 413").contains("Connection: close");
            }
        }
        assertThat(upstreamBodies.get()).isEqualTo(before);
    }
}
