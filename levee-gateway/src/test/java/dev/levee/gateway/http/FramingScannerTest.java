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

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.vertx.core.http.HttpServerOptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scanner keeps its place whatever the segmentation: the same bytes cut into every possible pair of pieces,
 * and into random pieces, give the same verdict as in one buffer.
 */
class FramingScannerTest {
    private static final String GOOD = "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n10\r\n0123456789abcdef\r\n0\r\nX-Trailer: t\r\n\r\n"
            + "\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
            + "GET /c HTTP/1.1\r\nHost: x\r\n\r\n";

    /** What the decoder produced: the requests (with whether each was valid) and whether the channel is open. */
    record Outcome(List<String> requests, boolean open) {}

    private static Outcome feed(String raw, int... cuts) {
        EmbeddedChannel ch = new EmbeddedChannel();
        StrictRequestDecoder decoder = new StrictRequestDecoder(new HttpServerOptions());
        ch.pipeline().addLast(FramingScanner.NAME, new FramingScanner(decoder)).addLast(decoder);
        byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
        int from = 0;
        for (int cut : cuts) {
            ch.writeInbound(Unpooled.copiedBuffer(bytes, from, cut - from));
            from = cut;
        }
        if (ch.isOpen()) {
            ch.writeInbound(Unpooled.copiedBuffer(bytes, from, bytes.length - from));
        }
        List<String> requests = new ArrayList<>();
        // the decoder hands on one request per read (as Vert.x reads them): read until it has nothing more
        for (int idle = 0; idle < 3 && ch.isOpen(); ) {
            int before = ch.inboundMessages().size();
            ch.writeInbound(Unpooled.EMPTY_BUFFER);
            idle = ch.inboundMessages().size() == before ? idle + 1 : 0;
        }
        for (Object o; (o = ch.readInbound()) != null; ) {
            if (o instanceof HttpRequest r) {
                requests.add(r.uri() + (r.decoderResult().isSuccess() ? "" : " refused"));
            }
            io.netty.util.ReferenceCountUtil.release(o);
        }
        boolean open = ch.isOpen();
        ch.finishAndReleaseAll();
        return new Outcome(requests, open);
    }

    @Test
    void pipelinedRequestsPassWhereverTheBytesAreCut() {
        Outcome whole = feed(GOOD);
        assertThat(whole.requests()).containsExactly("/a", "/b", "/c");
        assertThat(whole.open()).isTrue();
        for (int cut = 1; cut < GOOD.length(); cut++) {
            assertThat(feed(GOOD, cut)).as("cut at %d", cut).isEqualTo(whole);
        }
        Random random = new Random(42);
        for (int run = 0; run < 200; run++) {
            int[] cuts = random.ints(8, 1, GOOD.length()).sorted().distinct().toArray();
            assertThat(feed(GOOD, cuts)).as("cuts %s", java.util.Arrays.toString(cuts)).isEqualTo(whole);
        }
    }

    @Test
    void anObsFoldRefusesThatRequestAfterTheOnesBeforeIt() {
        String raw = "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /folded HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n Transfer-Encoding: chunked\r\n\r\n"
                + "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
        for (int cut = 1; cut < raw.length(); cut++) {
            Outcome o = feed(raw, cut);
            assertThat(o.requests()).as("cut at %d", cut).containsExactly("/ok", "/folded refused");
        }
    }

    @Test
    void aBadChunkSizeClosesTheConnection() {
        for (String chunk : List.of("10000000000000000000005", "5x", "", "-5", "0x5")) {
            String raw = "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + "\r\nhello\r\n"
                    + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
            for (int cut = 1; cut < raw.length(); cut += 7) {
                Outcome o = feed(raw, cut);
                assertThat(o.open()).as("%s cut at %d", chunk, cut).isFalse();
                assertThat(o.requests()).as("%s cut at %d", chunk, cut).doesNotContain("/smuggled");
            }
        }
    }

    @Test
    void chunkDataLongerThanItsSizeClosesTheConnection() {
        Outcome o = feed("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n");
        assertThat(o.open()).isFalse();
    }
}
