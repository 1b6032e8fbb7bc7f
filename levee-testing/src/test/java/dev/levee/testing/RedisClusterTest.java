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

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisClusterTest {

    /** One inline command's reply (a bulk string for CLUSTER INFO), read until the connection has it all. */
    private static String command(int port, String command) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write((command + "\r\nQUIT\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out); // QUIT: the server closes after answering
            return out.toString(StandardCharsets.US_ASCII);
        }
    }

    @Test
    void threePrimariesWithAReplicaEachAgreeTheClusterIsWhole() throws Exception {
        List<Integer> ports;
        try (RedisCluster cluster = RedisCluster.of(3, 1)) {
            cluster.start();
            ports = cluster.ports();
            assertThat(ports).hasSize(6).doesNotHaveDuplicates();
            assertThat(cluster.nodeUrls()).allMatch(u -> u.startsWith("redis://127.0.0.1:"));
            int primaries = 0;
            for (int port : ports) {
                String info = command(port, "CLUSTER INFO");
                assertThat(info).contains("cluster_state:ok").contains("cluster_slots_assigned:16384")
                        .contains("cluster_known_nodes:6");
                if (command(port, "ROLE").contains("master")) {
                    primaries++;
                }
            }
            assertThat(primaries).isEqualTo(3);
        }
        for (int port : ports) {
            assertThatThrownBy(() -> command(port, "PING")).as("stopped: %d", port)
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void fewerThanThreePrimariesAreRefused() {
        assertThatThrownBy(() -> RedisCluster.ofPrimaries(2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("primaries: 2 (expected: >= 3)");
        assertThatThrownBy(() -> RedisCluster.of(3, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("replicasPerPrimary: -1 (expected: >= 0)");
    }
}
