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

import java.util.Locale;

/**
 * What survives a restart of the Redis a gateway writes to, read from the server ({@code CONFIG GET appendonly},
 * {@code INFO replication}). Snapshots ({@code save}) are not counted: they lose everything since the last one.
 */
public enum Durability {
    /** Neither the append-only file nor a connected replica: a restart loses what was written. */
    NONE,
    /** {@code appendonly yes}, no connected replica. */
    AOF,
    /** At least one replica connected (with or without AOF). */
    REPLICATED,
    /** Not read yet, or the server refused to say ({@code CONFIG} disabled or renamed). */
    UNKNOWN;

    /** Lower case, as shown in {@code /health}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * From the answers of the two reads, either of which may be missing (null: the command failed).
     *
     * @param appendonly the value of {@code appendonly} ("yes"/"no"), or null
     * @param replicas   {@code connected_slaves} of {@code INFO replication}, or -1
     */
    static Durability of(String appendonly, int replicas) {
        if (replicas > 0) {
            return REPLICATED;
        }
        if ("yes".equalsIgnoreCase(appendonly)) {
            return AOF;
        }
        if ("no".equalsIgnoreCase(appendonly) && replicas == 0) {
            return NONE;
        }
        return UNKNOWN;
    }

    /** {@code connected_slaves} from an {@code INFO replication} answer, or -1 when it is not there. */
    static int connectedReplicas(String info) {
        if (info == null) {
            return -1;
        }
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("connected_slaves:")) {
                try {
                    return Integer.parseInt(line.substring("connected_slaves:".length()).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
