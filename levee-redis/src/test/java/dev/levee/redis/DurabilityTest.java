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
package dev.levee.redis;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DurabilityTest {

    @Test
    void replicasWinThenAofThenNoneAndUnknownWhenTheServerDoesNotSay() {
        assertThat(Durability.of("no", 1)).isEqualTo(Durability.REPLICATED);
        assertThat(Durability.of(null, 2)).as("CONFIG renamed, a replica seen").isEqualTo(Durability.REPLICATED);
        assertThat(Durability.of("yes", 0)).isEqualTo(Durability.AOF);
        assertThat(Durability.of("yes", -1)).as("INFO refused, AOF on").isEqualTo(Durability.AOF);
        assertThat(Durability.of("no", 0)).isEqualTo(Durability.NONE);
        assertThat(Durability.of(null, 0)).as("CONFIG renamed").isEqualTo(Durability.UNKNOWN);
        assertThat(Durability.of("no", -1)).as("INFO refused").isEqualTo(Durability.UNKNOWN);
        assertThat(Durability.NONE.label()).isEqualTo("none");
    }

    @Test
    void connectedReplicasIsReadFromInfoReplication() {
        assertThat(Durability.connectedReplicas("# Replication\r\nrole:master\r\nconnected_slaves:2\r\n"))
                .isEqualTo(2);
        assertThat(Durability.connectedReplicas("# Replication\r\nrole:master\r\n")).isEqualTo(-1);
        assertThat(Durability.connectedReplicas("connected_slaves:x")).isEqualTo(-1);
        assertThat(Durability.connectedReplicas(null)).isEqualTo(-1);
    }
}
