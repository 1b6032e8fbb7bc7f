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
package dev.levee.core.cache;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link CacheStore} holds for a key: the last good value (or none) and the last error (or none). Times are
 * epoch milliseconds from the cache's ticker, so entries mean the same on every instance sharing a store.
 *
 * @param value           last good value, or null for an error-only (negative) entry
 * @param storedAtMillis  when {@code value} was loaded
 * @param freshUntilMillis value served as a HIT before this
 * @param staleUntilMillis value served stale before this; the entry may be dropped after
 *                         {@code max(staleUntilMillis, errorUntilMillis)}
 * @param error           the last load error, or null; cleared by the next successful load
 * @param errorUntilMillis before this no new load is started for the key (negative caching)
 */
public record CacheEntry<V>(@Nullable V value, long storedAtMillis, long freshUntilMillis, long staleUntilMillis,
                            @Nullable Throwable error, long errorUntilMillis) {

    public static <V> CacheEntry<V> of(V value, long now, CachePolicy policy) {
        long fresh = now + policy.fresh().toMillis();
        return new CacheEntry<>(value, now, fresh, fresh + policy.stale().toMillis(), null, 0);
    }

    public static <V> CacheEntry<V> failure(Throwable error, long now, long errorUntilMillis) {
        return new CacheEntry<>(null, now, now, now, error, errorUntilMillis);
    }

    public CacheEntry<V> withError(Throwable error, long errorUntilMillis) {
        return new CacheEntry<>(value, storedAtMillis, freshUntilMillis, staleUntilMillis, error, errorUntilMillis);
    }

    public boolean hasValue() {
        return value != null;
    }

    /** When the entry is worth nothing any more. */
    public long expiresAtMillis() {
        return Math.max(staleUntilMillis, errorUntilMillis);
    }
}
