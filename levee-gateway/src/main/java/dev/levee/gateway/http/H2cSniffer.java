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

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Sits in front of Vert.x's h2c detector on a new cleartext connection and makes the same decision first: the HTTP/2
 * connection preface (prior knowledge) or HTTP/1.x. For HTTP/2 it steps aside. For HTTP/1.x it has Vert.x set up
 * its HTTP/1.x pipeline before any request byte reaches it, installs the strict parts ({@code http1}) into that
 * pipeline, and only then lets the connection's bytes through, so the first request is parsed like every other.
 *
 * <p>Implementation note: Vert.x's detector sets the HTTP/1.x pipeline up when it sees the first byte that departs
 * from the preface, and hands that byte on to the new decoder at once. It is given a CRLF of its own: not the
 * preface, and skipped by the HTTP/1.x decoder (as empty lines before a request line are), so the decoder is left
 * empty and can be replaced. Bytes are held only while they could still be the preface (at most 24).
 */
final class H2cSniffer extends ChannelInboundHandlerAdapter {
    static final String NAME = "levee-h2c-sniffer";
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Consumer<ChannelPipeline> http1;
    private @Nullable ByteBuf held;
    private int matched;

    H2cSniffer(Consumer<ChannelPipeline> http1) {
        this.http1 = http1;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        boolean http1x = false;
        for (int i = buf.readerIndex(); i < buf.writerIndex() && matched < PREFACE.length; i++) {
            if (buf.getByte(i) != PREFACE[matched]) {
                http1x = true;
                break;
            }
            matched++;
        }
        ByteBuf all = held == null ? buf : Unpooled.wrappedBuffer(held, buf);
        held = null;
        if (http1x) {
            ctx.fireChannelRead(Unpooled.wrappedBuffer(new byte[] {'\r', '\n'})); // Vert.x sets HTTP/1.x up
            http1.accept(ctx.pipeline());
        } else if (matched < PREFACE.length) {
            held = all; // could still be the preface
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(all);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    private void release() {
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
