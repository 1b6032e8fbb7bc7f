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

import java.time.Duration;

/**
 * {@code server.http2:} HTTP/2 on the public port, next to HTTP/1.1: {@code h2} by ALPN when {@code server.tls} is
 * set, {@code h2c} (prior knowledge, or an {@code Upgrade: h2c} request) on a cleartext port. Every stream is a
 * request like an HTTP/1.1 one: the guard, admission, coalescing and the cache see no difference.
 *
 * @param enabled              false: HTTP/1.1 only
 * @param clearText            false: no h2c on a cleartext port (HTTP/2 only by ALPN over TLS)
 * @param maxConcurrentStreams SETTINGS_MAX_CONCURRENT_STREAMS: streams one connection may have open at once; the
 *                             client is told, and a stream beyond it is refused (RST_STREAM REFUSED_STREAM)
 * @param maxHeaderListSize    SETTINGS_MAX_HEADER_LIST_SIZE: the decoded header block of one request, pseudo-headers
 *                             included; a larger one is refused
 * @param rstFloodMaxPerWindow rapid-reset protection (CVE-2023-44487): a client that resets more streams than this
 *                             within {@code rst-flood-window} gets GOAWAY and its connection is closed
 * @param rstFloodWindow       the window of {@code rst-flood-max-per-window}, in whole seconds
 */
public record Http2Config(boolean enabled, boolean clearText, int maxConcurrentStreams, ByteSize maxHeaderListSize,
                          int rstFloodMaxPerWindow, Duration rstFloodWindow) {
    public Http2Config {
        Checks.positive("max-concurrent-streams", maxConcurrentStreams);
        long headerList = Checks.required("max-header-list-size", maxHeaderListSize).bytes();
        if (headerList < 1024 || headerList > (1 << 20)) {
            throw new ConfigException("max-header-list-size: " + maxHeaderListSize + " (expected: 1KB..1MB)");
        }
        Checks.positive("rst-flood-max-per-window", rstFloodMaxPerWindow);
        Checks.positive("rst-flood-window", rstFloodWindow);
        // Netty counts the window in whole seconds: a shorter one would switch the protection off
        if (rstFloodWindow.toMillis() % 1000 != 0) {
            throw new ConfigException("rst-flood-window: " + dev.levee.core.time.Durations.format(rstFloodWindow)
                    + " (expected: whole seconds, such as 30s)");
        }
    }
}
