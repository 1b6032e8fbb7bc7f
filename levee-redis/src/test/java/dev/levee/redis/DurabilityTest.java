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
