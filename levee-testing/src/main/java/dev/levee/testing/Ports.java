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
package dev.levee.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Loopback ports for tests: one to start a server on, one that refuses connections.
 *
 * <p>Both come from binding port 0 and closing the socket again, so another process may take the port before the
 * test uses it. A server started on {@link #free()} must cope with that (as {@link RedisProcess} does, by retrying
 * on another port); {@link #closed()} is only ever connected to, and a clash there would make a "connection
 * refused" test see a listener, which the kernel's slow reuse of ephemeral ports makes unlikely.
 */
public final class Ports {
    private Ports() {}

    /** A loopback port nothing listened on a moment ago: for a server the test starts itself. */
    public static int free() {
        return bindAndRelease();
    }

    /** A loopback port nothing listens on: connecting to 127.0.0.1 there is refused. */
    public static int closed() {
        return bindAndRelease();
    }

    private static int bindAndRelease() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
