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
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The runnable jar's class path carries Netty's native transports: on linux-x86_64 (the machines CI and the
 * benchmarks run on) epoll loads, and the launcher's Vert.x runs on it. Before, the native jar was missing and
 * Vert.x fell back to NIO without a word.
 */
class NativeTransportTest {

    private static boolean linuxX86_64() {
        String arch = System.getProperty("os.arch");
        return System.getProperty("os.name").toLowerCase().startsWith("linux")
                && ("amd64".equals(arch) || "x86_64".equals(arch));
    }

    @Test
    void epollLoadsFromTheAppClassPathOnLinuxX86_64() {
        assumeTrue(linuxX86_64(), "linux-x86_64 only");
        assertThat(Transport.EPOLL).isNotNull();
        assertThat(Transport.EPOLL.available())
                .as("epoll unavailable: %s", Transport.EPOLL.unavailabilityCause()).isTrue();
        assertThat(Transport.nativeTransport()).isSameAs(Transport.EPOLL);
    }

    @Test
    void theLaunchersVertxRunsOnTheNativeTransportAndSaysSo() {
        assumeTrue(linuxX86_64(), "linux-x86_64 only");
        Vertx vertx = NativeTransport.vertx("test", new VertxOptions().setEventLoopPoolSize(1));
        try {
            assertThat(vertx.isNativeTransportEnabled())
                    .as("cause: %s", vertx.unavailableNativeTransportCause()).isTrue();
            assertThat(NativeTransport.describe(vertx, Transport.nativeTransport())).isEqualTo("transport epoll (native)");
        } finally {
            vertx.close().await();
        }
    }

    @Test
    void aFallbackToNioNamesTheReason() {
        Vertx nio = Vertx.builder().withTransport(Transport.NIO).build();
        try {
            assertThat(nio.isNativeTransportEnabled()).isFalse();
            assertThat(NativeTransport.describe(nio, null))
                    .startsWith("transport nio: the native transport is not available")
                    .contains("no native transport for " + System.getProperty("os.name"));
        } finally {
            nio.close().await();
        }
    }
}
