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

import dev.levee.core.cache.CacheEntry;

import java.util.Base64;

/**
 * A published flight result or shared cache entry: {@code V|token|storedAt|freshUntil|staleUntil|base64} or
 * {@code E|token|at|at|at|base64} (an error; an empty payload is an error the holder does not share).
 */
record FlightRecord(boolean value, String token, long storedAt, long freshUntil, long staleUntil, String b64) {
    static String value(String token, long stored, long fresh, long stale, String b64) {
        return "V|" + token + "|" + stored + "|" + fresh + "|" + stale + "|" + b64;
    }

    static String error(String token, long at, String b64) {
        return "E|" + token + "|" + at + "|" + at + "|" + at + "|" + b64;
    }

    static FlightRecord parse(String raw) {
        String[] p = raw.split("\\|", 6);
        if (p.length != 6 || !(p[0].equals("V") || p[0].equals("E"))) {
            throw new IllegalArgumentException("not a flight record");
        }
        return new FlightRecord(p[0].equals("V"), p[1], Long.parseLong(p[2]), Long.parseLong(p[3]),
                Long.parseLong(p[4]), p[5]);
    }

    byte[] payload() {
        return Base64.getDecoder().decode(b64);
    }

    <V> CacheEntry<V> toCacheEntry(ValueCodec<V> codec) {
        return new CacheEntry<>(codec.decode(payload()), storedAt, freshUntil, staleUntil, null, 0);
    }
}
