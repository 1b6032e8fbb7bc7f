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

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Closes an HTTP/1.x connection on which a request head takes longer than {@code server.header-timeout} to arrive,
 * counted from the connection's accept, or from the end of the last response while no request is pending.
 *
 * <p>Implementation note: Vert.x's idle timeout is reset by every byte read, so a client that trickles a header a
 * byte at a time keeps its connection (and its file descriptor, and its decoder's buffer) for as long as it likes;
 * nginx bounds this with {@code client_header_timeout}. Vert.x has no such option, so this Netty handler sits just
 * before Vert.x's connection handler, where it sees decoded request heads coming in and response parts going out.
 * Requests are counted in and out (pipelined requests may arrive before the previous response ended); the timer
 * runs only while none is pending. Interim responses (100 Continue) do not end a request. The connection is closed
 * without an answer, as nginx does: a request that never finished its head has nothing to be answered. A
 * connection upgraded to h2c leaves the handler (HTTP/2 connections are bounded by {@code server.idle-timeout}
 * and {@code server.http2.max-header-list-size}).
 */
final class HeaderTimeout extends ChannelDuplexHandler {
    /** Name of Vert.x's HTTP connection handler in the pipeline; ours goes right before it. */
    private static final String VERTX_HANDLER = "handler";
    private static final String NAME = "levee-header-timeout";
    /** Name of Vert.x's HTTP/1.x request decoder: only an HTTP/1.x connection has one. */
    private static final String HTTP1_DECODER = "httpDecoder";

    private final long timeoutNanos;
    // all fields: only touched on the channel's event loop
    private @Nullable ScheduledFuture<?> timer;
    private int pending;
    private boolean interim;

    private HeaderTimeout(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * Installs the timeout on a new HTTP/1.x connection's pipeline and starts its clock; an HTTP/2 pipeline (no
     * HTTP/1.x decoder), or one that has it already, is left as it is.
     */
    static void install(ChannelPipeline pipeline, long timeoutNanos) {
        if (pipeline.get(VERTX_HANDLER) != null && pipeline.get(HTTP1_DECODER) != null && pipeline.get(NAME) == null) {
            pipeline.addBefore(VERTX_HANDLER, NAME, new HeaderTimeout(timeoutNanos));
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        arm(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof HttpObject)) { // upgraded to h2c: streams are not HTTP/1.x requests, nothing to time
            cancel();
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
            return;
        }
        if (msg instanceof HttpRequest) {
            pending++;
            cancel();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            interim = true;
        }
        if (msg instanceof LastHttpContent) {
            if (interim) {
                interim = false;
            } else if (pending > 0 && --pending == 0) {
                arm(ctx);
            }
        }
        super.write(ctx, msg, promise);
    }

    private void arm(ChannelHandlerContext ctx) {
        cancel();
        timer = ctx.executor().schedule(() -> {
            timer = null;
            if (pending == 0) {
                ctx.channel().close();
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
