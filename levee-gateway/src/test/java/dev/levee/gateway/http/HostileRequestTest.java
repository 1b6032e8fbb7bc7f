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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A corpus of hostile requests, written byte for byte on a raw socket (framing is what they attack), each followed
 * by a second, smuggled request. Each must be refused with its status and the connection closed, and the smuggled
 * request must never reach the upstream.
 */
class HostileRequestTest {
    private static final Queue<String> seen = new ConcurrentLinkedQueue<>();
    /** A malformed chunk inside a body the gateway already passes on: the connection is closed, with no answer. */
    private static final int CLOSED = 0;
    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.route().handler(ctx -> ctx.request().body().onComplete(b -> {
                seen.add(ctx.request().method() + " " + ctx.request().uri());
                ctx.end("ok");
            })))
            .config("upstream: { url: \"${upstream}\", timeout: 2s }")
            .build();

    @BeforeEach
    void clear() {
        seen.clear();
    }

    static Stream<Arguments> corpus() {
        String manyHeaders = "X-H: 1\r\n".repeat(150);
        return Stream.of(
                Arguments.of("CL and TE", "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("TE then CL", "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                        + "Content-Length: 4\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("TE chunked, identity", "POST /a HTTP/1.1\r\nHost: x\r\n"
                        + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("two TE headers", "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                        + "Transfer-Encoding: identity\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("TE on HTTP/1.0", "POST /a HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\n", 400),
                Arguments.of("request line over 4 KiB", "GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                        414),
                Arguments.of("header block over 8 KiB", "GET /a HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9000)
                        + "\r\n\r\n", 431),
                Arguments.of("TE gzip", "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
                Arguments.of("two CL", "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\n",
                        400),
                Arguments.of("CL not a number", "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello", 400),
                Arguments.of("two Host", "GET /a HTTP/1.1\r\nHost: x\r\nHost: evil.example\r\n\r\n", 400),
                Arguments.of("no Host", "GET /a HTTP/1.1\r\n\r\n", 400),
                Arguments.of("malformed Host", "GET /a HTTP/1.1\r\nHost: x/evil?\r\n\r\n", 400),
                Arguments.of("two Authorization", "GET /a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer alice\r\n"
                        + "Authorization: Bearer admin\r\n\r\n", 400),
                Arguments.of("NUL in target", "GET /a\u0000b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("150 headers", "GET /a HTTP/1.1\r\nHost: x\r\n" + manyHeaders + "\r\n", 431),
                Arguments.of("TRACE", "TRACE /a HTTP/1.1\r\nHost: x\r\n\r\n", 405),
                Arguments.of("CONNECT", "CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n", 405),
                Arguments.of("absolute-form", "GET http://evil.example/a HTTP/1.1\r\nHost: evil.example\r\n\r\n",
                        400),
                Arguments.of("obs-fold into TE", "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n\r\n"
                        + "0\r\n\r\n", 400),
                Arguments.of("obs-fold of another header", "GET /a HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n"
                        + " Transfer-Encoding: chunked\r\n\r\n", 400),
                Arguments.of("space-prefixed first header", "POST /a HTTP/1.1\r\n Transfer-Encoding: chunked\r\n"
                        + "Host: x\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("space before colon", "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n"
                        + "0\r\n\r\n", 400),
                Arguments.of("tab-prefixed TE", "POST /a HTTP/1.1\r\nHost: x\r\n\tTransfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\n", 400),
                Arguments.of("overflowing chunk size", "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "10000000000000000000005\r\nhello\r\n0\r\n\r\n", CLOSED),
                Arguments.of("chunk size with junk", "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5x\r\nhello\r\n0\r\n\r\n", CLOSED),
                Arguments.of("chunk longer than its size", "POST /a HTTP/1.1\r\nHost: x\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n", CLOSED),
                Arguments.of("bare LF in header", "GET /a HTTP/1.1\r\nHost: x\r\nX-A: 1\nTransfer-Encoding: chunked\r\n\r\n",
                        400),
                Arguments.of("unknown Expect", "GET /a HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n", 417),
                Arguments.of("Expect over the body limit", "POST /a HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                        + "Content-Length: 999999999999\r\n\r\n", 413));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void refusedClosedAndNothingSmuggled(String name, String request, int status) throws Exception {
        String answer = exchange(request + SMUGGLED);
        // refused while parsing, Vert.x answers in the request's version (HTTP/1.0 when it has none yet)
        if (status == CLOSED) {
            assertThat(answer).as(name).doesNotContain("HTTP/1.1 2");
        } else {
            assertThat(answer).as(name).matches("(?s)HTTP/1\\.[01] " + status + " .*");
        }
        assertThat(answer).as(name).doesNotContain("HTTP/1.1 200");
        assertThat(seen).as(name).noneMatch(s -> s.contains("/smuggled"));
    }

    @Test
    void expectContinueGets100ThenTheRequestIsServed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gw.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /a HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] interim = new byte[25];
            int n = 0;
            while (n < interim.length) { // "HTTP/1.1 100 Continue\r\n\r\n": sent before the body
                int r = in.read(interim, n, interim.length - n);
                assertThat(r).as("gateway closed before 100 Continue").isPositive();
                n += r;
            }
            assertThat(new String(interim, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 100 Continue");
            out.write("hello".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String rest = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(rest).startsWith("HTTP/1.1 200").endsWith("ok");
        }
        assertThat(seen).containsExactly("POST /a");
    }

    /** Writes {@code raw} and reads until the gateway closes; a connection left open fails the test. */
    private static String exchange(String raw) throws Exception {
        try (Socket s = new Socket("127.0.0.1", gw.port())) {
            s.setSoTimeout(10_000); // a refused request closes at once; this margin holds on a busy machine
            OutputStream out = s.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return RawSockets.readUntilClosed(s);
        }
    }
}
