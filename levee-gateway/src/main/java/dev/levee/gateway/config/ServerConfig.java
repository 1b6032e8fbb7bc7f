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
package dev.levee.gateway.config;

import dev.levee.gateway.upstream.ProxyHeaders;

import java.time.Duration;
import java.util.List;

/**
 * {@code server:} where the gateway listens and how it bounds what clients send.
 *
 * @param shutdownGrace   on shutdown, after the drain period: the time in-flight requests get to finish
 * @param eventLoops      event loops serving the public port, one HTTP server each; 0 = one per available core
 *                        ({@link #eventLoopCount()})
 * @param maxHeaders      more request headers than this get 431
 * @param trustedProxies  peers (addresses or CIDR blocks) whose X-Forwarded-* and Forwarded headers are kept;
 *                        from anyone else those headers are replaced from the connection
 * @param drainPeriod     on shutdown: readiness answers 503 at once, and the gateway keeps serving this long (so a
 *                        load balancer stops sending) before it stops accepting connections; 0 = stop at once
 * @param headerTimeout   time from accepting a connection (or ending the previous response on it) to the end of
 *                        the next request head; a client slower than this is disconnected
 * @param bodyTimeout     time to receive a whole request body, which is read before the request may take an
 *                        admission permit; a slower body gets 408 and the connection is closed
 * @param idleTimeout     a kept-alive connection with no traffic for this long is closed
 * @param bodyBufferLimit request bodies held in memory while they are read before admission, all requests
 *                        together; a body that does not fit gets 503 with Retry-After
 * @param tls             TLS on the public port ({@link TlsConfig}), once a certificate is set
 * @param http2           HTTP/2 next to HTTP/1.1 on the public port ({@link Http2Config})
 */
public record ServerConfig(String host, int port, ByteSize maxBodySize, Duration shutdownGrace, int eventLoops,
                           int maxHeaders, List<String> trustedProxies, Duration drainPeriod, Duration headerTimeout,
                           Duration bodyTimeout, Duration idleTimeout, ByteSize bodyBufferLimit,
                           TlsConfig tls, Http2Config http2) {
    public ServerConfig {
        Checks.required("host", host);
        Checks.inRange("port", port, 0, 65535);
        Checks.positive("max-body-size", Checks.required("max-body-size", maxBodySize).bytes());
        Checks.nonNegative("shutdown-grace", shutdownGrace);
        Checks.nonNegative("event-loops", eventLoops);
        Checks.inRange("max-headers", maxHeaders, 1, 1000);
        Checks.nonNegative("drain-period", drainPeriod);
        Checks.positive("header-timeout", headerTimeout);
        Checks.positive("body-timeout", bodyTimeout);
        Checks.positive("idle-timeout", idleTimeout);
        Checks.positive("body-buffer-limit", Checks.required("body-buffer-limit", bodyBufferLimit).bytes());
        if (bodyBufferLimit.bytes() < maxBodySize.bytes()) {
            throw new ConfigException("body-buffer-limit: " + bodyBufferLimit + " (expected: >= max-body-size "
                    + maxBodySize + ")");
        }
        Checks.required("tls", tls);
        Checks.required("http2", http2);
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        for (String entry : trustedProxies) {
            try {
                ProxyHeaders.rule(entry);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("trusted-proxies: " + e.getMessage());
            }
        }
    }

    /** The event loops serving the public port: {@code event-loops}, or the available cores when it is 0. */
    public int eventLoopCount() {
        return eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
    }

    /** A copy listening on {@code port}. */
    public ServerConfig withPort(int port) {
        return new ServerConfig(host, port, maxBodySize, shutdownGrace, eventLoops, maxHeaders, trustedProxies,
                drainPeriod, headerTimeout, bodyTimeout, idleTimeout, bodyBufferLimit, tls, http2);
    }
}
