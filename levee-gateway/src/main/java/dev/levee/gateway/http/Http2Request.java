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

import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Stream;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * An HTTP/2 stream's request, made to behave as an HTTP/1.1 one where the stages rely on it: pausing, resuming or
 * fetching from a request whose body was read already does nothing (Vert.x's HTTP/2 request throws there, its
 * HTTP/1.x request does not; a body buffered before admission is read before the proxy pauses the request).
 */
final class Http2Request extends HttpServerRequestWrapper {
    Http2Request(HttpServerRequest request) {
        super((HttpServerRequestInternal) request);
    }

    /**
     * True if the client ended the stream with its headers (END_STREAM on HEADERS): no DATA frame follows. Asked
     * when the request arrives, from Netty's stream state (Vert.x marks the request ended only after its handler
     * ran, and a body that arrives later would end the stream too).
     */
    static boolean endedWithHeaders(HttpServerRequest request) {
        if (!(request.connection() instanceof ConnectionBase base)) {
            return false;
        }
        io.netty.channel.ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
        if (request.streamId() == 1 && pipeline.channel().hasAttr(StrictRequestDecoder.UPGRADE_HAS_BODY)) {
            // the request of an h2c upgrade: "ended" by Netty at once, its body (if any) still to come
            return !Boolean.TRUE.equals(pipeline.channel().attr(StrictRequestDecoder.UPGRADE_HAS_BODY).get());
        }
        Http2ConnectionHandler handler = pipeline.get(Http2ConnectionHandler.class);
        Http2Stream stream = handler == null ? null : handler.connection().stream(request.streamId());
        return stream != null && (stream.state() == Http2Stream.State.HALF_CLOSED_REMOTE
                || stream.state() == Http2Stream.State.CLOSED);
    }

    @Override
    public HttpServerRequest pause() {
        if (!delegate.isEnded()) {
            delegate.pause();
        }
        return this;
    }

    @Override
    public HttpServerRequest resume() {
        if (!delegate.isEnded()) {
            delegate.resume();
        }
        return this;
    }

    @Override
    public HttpServerRequest fetch(long amount) {
        if (!delegate.isEnded()) {
            delegate.fetch(amount);
        }
        return this;
    }
}
