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

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Vert.x's HTTP/1.x request decoder, made strict where Netty is lenient on purpose.
 *
 * <p>Implementation note: Netty's decoder (RFC 9112 section 6.3, "MAY be treated as an error") accepts a request that
 * carries both {@code Content-Length} and {@code Transfer-Encoding: chunked}: it drops the Content-Length and reads
 * the body as chunked. A proxy behind or in front of us may pick the other length, so the difference between the
 * two is a request-smuggling primitive. We make it an error like nginx, HAProxy and Envoy do. Throwing from the
 * header hook makes the decoder emit an invalid request (Vert.x answers 400 and closes the connection) and discard
 * every byte that follows on the connection, so a smuggled second request is never parsed. The same goes for every
 * other framing the body's end cannot be read from ({@link #isContentAlwaysEmpty}), and to what the
 * {@link FramingScanner} ahead of us in the pipeline found in the raw bytes (obs-folds, which Netty repairs).
 *
 * <p>The decoder can only be swapped through Vert.x internals (the connection's Netty pipeline); {@link #install}
 * is the one place that does it (and adds the scanner), when the connection is accepted and before its first byte
 * is read (on a cleartext port with h2c, the {@link H2cSniffer} calls it once the connection is known to be
 * HTTP/1.x). Everything
 * else about framing that can be decided on the parsed request is checked by {@link RequestGuard}.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {
    /** Name Vert.x gives its HTTP/1.x request decoder in the pipeline. */
    private static final String DECODER = "httpDecoder";

    /** Set by the {@link FramingScanner} that reads ahead of us: which request on the connection is refused, why. */
    private long refused = -1;
    private @Nullable String refusal;
    private long decoded;
    private io.netty.channel.@Nullable Channel channel;

    /**
     * Set on the channel when an {@code Upgrade: h2c} request is decoded: whether it has a body. Vert.x turns the
     * request into stream 1 of the new HTTP/2 connection, which Netty marks as ended with its headers (RFC 9113
     * 3.2) while its body still follows as DATA frames, and drops Transfer-Encoding from it.
     */
    static final io.netty.util.AttributeKey<Boolean> UPGRADE_HAS_BODY =
            io.netty.util.AttributeKey.valueOf("levee-upgrade-has-body");

    StrictRequestDecoder(HttpServerOptions options) {
        super(options);
    }

    /** The {@code n}-th request (from 1) on this connection is refused (400, connection closed) once its head is read. */
    void refuse(long n, String why) {
        this.refused = n;
        this.refusal = why;
    }

    /**
     * Replaces the pipeline's request decoder with the strict one, and adds the scanner ahead of it; a pipeline
     * without an HTTP/1.x decoder (HTTP/2), or with the strict one already, is left as it is.
     */
    static void install(ChannelPipeline pipeline, HttpServerOptions options) {
        if (pipeline.get(DECODER) instanceof VertxHttpRequestDecoder
                && !(pipeline.get(DECODER) instanceof StrictRequestDecoder)) {
            StrictRequestDecoder strict = new StrictRequestDecoder(options);
            pipeline.replace(DECODER, DECODER, strict);
            pipeline.addBefore(DECODER, FramingScanner.NAME, new FramingScanner(strict));
        }
    }

    /**
     * Netty asks this once the header block is read and before it decides how long the body is: the last moment
     * to refuse a framing it would otherwise guess at. A {@code Transfer-Encoding} other than one exactly
     * {@code chunked} (a list, another coding, two headers), one on HTTP/1.0 (RFC 9112 6.1) or two
     * {@code Content-Length}s leave the body's end unknown, and whatever follows would be read as the next request.
     */
    @Override
    public void handlerAdded(io.netty.channel.ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        super.handlerAdded(ctx);
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage message) {
        if (++decoded == refused) {
            throw new IllegalArgumentException(refusal);
        }
        HttpHeaders headers = message.headers();
        if (channel != null && headers.contains(HttpHeaderNames.UPGRADE, "h2c", true)) {
            String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
            channel.attr(UPGRADE_HAS_BODY).set(headers.contains(HttpHeaderNames.TRANSFER_ENCODING)
                    || (length != null && !length.trim().equals("0")));
        }
        List<String> te = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!te.isEmpty() && (te.size() > 1 || !te.get(0).trim().equalsIgnoreCase("chunked"))) {
            throw new IllegalArgumentException("Transfer-Encoding must be exactly chunked: " + te);
        }
        if (!te.isEmpty() && !HttpVersion.HTTP_1_1.equals(message.protocolVersion())) {
            throw new IllegalArgumentException("Transfer-Encoding on " + message.protocolVersion());
        }
        if (headers.getAll(HttpHeaderNames.CONTENT_LENGTH).size() > 1) {
            throw new IllegalArgumentException("more than one Content-Length");
        }
        return super.isContentAlwaysEmpty(message);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new IllegalArgumentException("Content-Length and Transfer-Encoding together");
    }
}
