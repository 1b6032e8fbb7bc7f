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

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.levee.gateway.Features;
import dev.levee.gateway.testing.GatewayExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that goes away in the middle of its responses (a load generator that stops, a browser tab closed) is
 * routine: the gateway logs it at DEBUG at most, never as an ERROR with a stack trace per in-flight request.
 */
class ClientAbortTest {
    private static final byte[] CHUNK = new byte[32 * 1024];
    private final AtomicInteger upstreamCalls = new AtomicInteger();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> {
                r.route().handler(ctx -> {
                    upstreamCalls.incrementAndGet();
                    ctx.next();
                });
                r.get("/stream").handler(ctx -> stream(ctx.response(), 200)); // ~6 MB, 32 KB per ms
                r.get("/api/cached/big").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain")
                        .end(Buffer.buffer(new byte[2 << 20])));
                r.get("/slow").handler(ctx -> ctx.vertx().setTimer(50, t -> ctx.end("late")));
            })
            .features(Features.all())
            .config("""
                    routes:
                      - path: /api/cached/
                        public: true
                        cache: { fresh: 60s, stale: 0s }
                    """)
            .build();

    private static void stream(HttpServerResponse resp, int chunks) {
        if (chunks == 0) {
            resp.end();
            return;
        }
        if (chunks == 200) {
            resp.setChunked(true);
        }
        if (resp.closed()) {
            return;
        }
        resp.write(Buffer.buffer(CHUNK));
        io.vertx.core.Vertx.currentContext().owner().setTimer(1, t -> stream(resp, chunks - 1));
    }

    @BeforeEach
    void listen() {
        logged.start();
        root.addAppender(logged);
    }

    @AfterEach
    void stopListening() {
        root.detachAppender(logged);
    }

    /**
     * ERRORs, and the gateway's own WARNs. (Vert.x 5.0 itself warns, through Netty, of an NPE in its HTTP/1 server
     * when a connection with pipelined requests not yet handled is reset: not the gateway's to fix.)
     */
    private List<String> errors() {
        return logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)
                        || e.getLevel().isGreaterOrEqual(Level.WARN) && e.getLoggerName().startsWith("dev.levee"))
                .map(e -> e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage()))
                .toList();
    }

    /** Sends {@code requests} pipelined GETs of {@code path}, reads {@code readBytes}, then resets the connection. */
    private void abort(String path, int requests, int readBytes) throws Exception {
        try (Socket s = new Socket("127.0.0.1", gw.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            StringBuilder req = new StringBuilder();
            for (int i = 0; i < requests; i++) {
                req.append("GET ").append(path).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            int read = 0;
            while (read < readBytes) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            s.setSoLinger(true, 0); // a reset, as a killed client's kernel sends
        }
    }

    @Test
    void proxiedStreamCutByTheClientIsNoError() throws Exception {
        for (int i = 0; i < 5; i++) {
            abort("/stream", 1, 100_000);
        }
        assertThat(gw.get("/slow").statusCode()).isEqualTo(200); // the gateway still serves
        await().untilAsserted(() -> assertThat(gw.gateway().registry().get("levee.upstream.in.flight").gauge()
                .value()).isZero()); // and every aborted exchange gave its slot back
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        assertThat(errors()).isEmpty();
    }

    @Test
    void cachedResponsesCutByTheClientAreNoError() throws Exception {
        assertThat(gw.get("/api/cached/big").statusCode()).isEqualTo(200); // now cached
        for (int i = 0; i < 5; i++) {
            abort("/api/cached/big", 20, 10_000);
        }
        assertThat(gw.get("/api/cached/big").statusCode()).isEqualTo(200);
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        assertThat(errors()).isEmpty();
    }

    @Test
    void inFlightRequestsOfAClosedConnectionAreNoError() throws Exception {
        for (int i = 0; i < 5; i++) {
            abort("/slow", 20, 0);
            abort("/api/cached/slow-miss-" + i, 20, 0);
        }
        await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ofMillis(500)).until(() -> true);
        assertThat(errors()).isEmpty();
    }
}
