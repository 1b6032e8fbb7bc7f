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
package dev.levee.app;

import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/**
 * Creates the launcher's Vert.x instances on Netty's native transport and says which transport runs.
 *
 * <p>Implementation notes: {@link Transport#nativeTransport()} is Vert.x 5's own pick for this platform (epoll on
 * Linux, io_uring there when epoll cannot load, kqueue on macOS, none elsewhere); the jar ships the epoll and
 * io_uring libraries for linux-x86_64 and linux-aarch_64. When the picked transport cannot load (a missing library,
 * a seccomp profile that forbids the calls, an unknown CPU), Vert.x falls back to NIO by itself: that fallback
 * costs throughput and memory per connection, so it is logged as a WARN with Vert.x's reason instead of
 * passing silently, as it did when the native libraries were not in the jar.
 */
final class NativeTransport {
    private static final Logger LOG = LoggerFactory.getLogger(NativeTransport.class);

    private NativeTransport() {
    }

    /**
     * A Vert.x on the native transport when it loads, else on NIO; logs which one (INFO) or why not native (WARN).
     *
     * @param role what this Vert.x runs, for the log line ("gateway", "load generator", ...)
     */
    static Vertx vertx(String role, VertxOptions options) {
        requireNonNull(role, "role");
        requireNonNull(options, "options");
        Transport preferred = Transport.nativeTransport();
        VertxBuilder builder = Vertx.builder().with(options);
        if (preferred != null) {
            builder.withTransport(preferred);
        }
        Vertx vertx = builder.build();
        String line = describe(vertx, preferred);
        if (vertx.isNativeTransportEnabled()) {
            LOG.info("{}: {}", role, line);
        } else {
            LOG.warn("{}: {}", role, line);
        }
        return vertx;
    }

    /** What {@link #vertx} logs: the transport that runs, and on NIO the reason the native one does not. */
    static String describe(Vertx vertx, Transport preferred) {
        if (vertx.isNativeTransportEnabled()) {
            return "transport " + (preferred == null ? "native" : preferred.name()) + " (native)";
        }
        Throwable cause = vertx.unavailableNativeTransportCause();
        String why = cause != null ? cause.toString()
                : preferred == null ? "no native transport for " + System.getProperty("os.name") + "/"
                        + System.getProperty("os.arch")
                : preferred.name() + " did not load";
        return "transport nio: the native transport is not available, expect lower throughput (" + why + ")";
    }
}
