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

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.Http1xOrH2CHandler;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetServerImpl;
import io.vertx.core.net.impl.NetServerInternal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;

/**
 * Creates the HTTP server of a cleartext port that serves h2c next to HTTP/1.1, with a hook on every new connection
 * before its first byte is read.
 *
 * <p>Implementation note: with h2c on, Vert.x decides per connection from its first bytes whether it is HTTP/2 with
 * prior knowledge or HTTP/1.x, and hands an HTTP/1.x connection to the connection handler only once its first
 * request head has been decoded, by Vert.x's lenient decoder. The {@link StrictRequestDecoder}, the
 * {@link FramingScanner} and the {@link HeaderTimeout} must be in place before that, or the first request of every
 * connection would be parsed the lenient way (a smuggling primitive) and its head could trickle in for as long as
 * the client likes. Vert.x has no public hook for a new connection's pipeline; the one place that sees every
 * accepted connection first is the TCP server the HTTP server runs on, which it creates through
 * {@link VertxInternal#createNetServer}. So the HTTP server is created on a view of the Vert.x instance whose
 * {@code createNetServer} returns a TCP server that calls {@code onConnection} with the pipeline right after
 * Vert.x set it up (with its h2c detector in it) and before anything was read. Everything else is the Vert.x
 * instance itself. {@code GatewayServer} closes its servers itself, so the close hook a plain
 * {@code createHttpServer} registers with the deploying context is not needed.
 */
final class CleartextServers {
    private CleartextServers() {}

    /** An HTTP server with {@code options}, calling {@code onConnection} on each connection's fresh pipeline. */
    static HttpServer create(Vertx vertx, HttpServerOptions options, Consumer<ChannelPipeline> onConnection) {
        VertxInternal real = (VertxInternal) vertx;
        VertxInternal view = (VertxInternal) Proxy.newProxyInstance(CleartextServers.class.getClassLoader(),
                new Class<?>[] {VertxInternal.class}, (proxy, method, args) -> {
                    if (method.getName().equals("createNetServer") && args != null && args.length == 1
                            && args[0] instanceof NetServerOptions netOptions) {
                        return new HookedNetServer(real, netOptions.copy(), onConnection);
                    }
                    return invoke(real, method, args);
                });
        return new HttpServerImpl(view, options);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The TCP server under the HTTP server: runs the hook after the HTTP server has set a connection up. */
    private static final class HookedNetServer extends NetServerImpl {
        private final Consumer<ChannelPipeline> onConnection;

        HookedNetServer(VertxInternal vertx, NetServerOptions options, Consumer<ChannelPipeline> onConnection) {
            super(vertx, options);
            this.onConnection = onConnection;
        }

        @Override
        public synchronized NetServerInternal connectHandler(Handler<NetSocket> handler) {
            return super.connectHandler(socket -> {
                handler.handle(socket);
                if (socket instanceof NetSocketInternal internal) {
                    ChannelHandlerContext ctx = internal.channelHandlerContext();
                    if (ctx.pipeline().get(Http1xOrH2CHandler.class) != null) {
                        onConnection.accept(ctx.pipeline());
                    }
                }
            });
        }
    }
}
