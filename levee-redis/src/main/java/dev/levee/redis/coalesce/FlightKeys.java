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
package dev.levee.redis.coalesce;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The Redis names of {@link RedisFlightCoordinator}: per coalescing key three keys under one hash tag, and the
 * shared notification channel; and the script that publishes a flight's result.
 *
 * <p>Implementation note: immutable, so shared freely between threads. Keys are hashed (they can be long and hold
 * identities); the hash tag {@code {fl:<id>}} puts a key's lock, result and entry on one slot, so the publish
 * script runs on Redis Cluster, and different keys spread over the slots.
 *
 * <p>The channel on a cluster: the script sends a plain {@code PUBLISH} on the one shared channel, which Redis
 * forwards over the cluster bus to every node, so a coordinator's one subscription (to any node) hears every
 * flight. Sharded pub/sub ({@code SPUBLISH}, Redis 7.0) would keep a message on its slot's shard, but a sharded
 * channel belongs to one slot: one shared channel would put every notification on one shard, and a channel per
 * key (tagged like its keys) would cost an {@code SSUBSCRIBE} round trip before every wait. Notifications are
 * small and only shorten waits (waiters recheck on a timer), so the broadcast is the simpler trade.
 */
final class FlightKeys {
    /** Writes the result (and the entry), drops the lock if the token still holds it, and notifies the waiters. */
    static final String PUBLISH = """
            -- KEYS[1] result, KEYS[2] entry, KEYS[3] lock. ARGV[1] result record, ARGV[2] result ttl ms,
            -- ARGV[3] entry record ('' = none), ARGV[4] entry ttl ms, ARGV[5] channel, ARGV[6] message, ARGV[7] token
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            if ARGV[3] ~= '' then
              redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
            end
            if redis.call('GET', KEYS[3]) == ARGV[7] then
              redis.call('DEL', KEYS[3])
            end
            redis.call('PUBLISH', ARGV[5], ARGV[6])
            return 1
            """;

    private final String prefix;

    FlightKeys(String prefix) {
        this.prefix = prefix;
    }

    /** The id of {@code key} in Redis key names. */
    static String hash(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code <prefix>{fl:<id>}}: the hash-tagged stem of one key's lock, result and entry keys. */
    String base(String id) {
        return prefix + "{fl:" + id + "}";
    }

    /** The holder's token, with the lease as TTL. */
    String lock(String id) {
        return base(id) + ":lock";
    }

    /** The last flight's result record, tagged with its token. */
    String result(String id) {
        return base(id) + ":res";
    }

    /** The shared cache entry. */
    String entry(String id) {
        return base(id) + ":entry";
    }

    /** The one channel every flight's end is published on: {@code "<id> <token>"}. */
    String channel() {
        return prefix + "flights";
    }
}
