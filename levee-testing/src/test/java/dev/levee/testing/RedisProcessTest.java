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

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisProcessTest {

    private static String ping(int port) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void aPickedPortTakenBeforeTheStartIsTradedForAnotherOne() throws Exception {
        try (RedisProcess redis = RedisProcess.onFreePort();
             ServerSocket squatter = new ServerSocket(redis.port(), 1, InetAddress.getLoopbackAddress())) {
            redis.start();
            assertThat(redis.port()).isNotEqualTo(squatter.getLocalPort());
            assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + redis.port());
            assertThat(ping(redis.port())).isEqualTo("+PONG");
        }
    }

    @Test
    void aRestartKeepsThePort() throws Exception {
        try (RedisProcess redis = RedisProcess.onFreePort()) {
            redis.start();
            int port = redis.port();
            redis.stop();
            redis.start();
            assertThat(redis.port()).isEqualTo(port);
            assertThat(ping(port)).isEqualTo("+PONG");
        }
    }

    @Test
    void aGivenPortThatIsTakenFailsWithTheServersLog() throws Exception {
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             RedisProcess redis = RedisProcess.onPort(squatter.getLocalPort())) {
            assertThatThrownBy(redis::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + squatter.getLocalPort())
                    .hasMessageContaining("Address already in use");
        }
    }

    @Test
    void portsOutsideTheRangeAreRejected() {
        assertThatThrownBy(() -> RedisProcess.onPort(0)).hasMessage("port: 0 (expected: 1..65535)");
    }

    @Test
    void aClosedPortRefusesConnections() {
        int port = Ports.closed();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(java.net.ConnectException.class);
    }
}
