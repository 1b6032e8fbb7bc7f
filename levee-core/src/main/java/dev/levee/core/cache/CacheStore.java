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
 * Storage SPI under {@link SwrCache}: the in-process Caffeine store by default; a shared tier (Redis, issue 7)
 * can implement this too. Implementations must be thread-safe, bounded, and may drop an entry at any time after
 * {@link CacheEntry#expiresAtMillis()}. Calls are synchronous and must be quick: a remote tier should front
 * itself with a local cache and write through asynchronously.
 */
public interface CacheStore<K, V> {

    /** The entry for {@code key}, or null. */
    @Nullable CacheEntry<V> get(K key);

    void put(K key, CacheEntry<V> entry);

    void remove(K key);

    void clear();

    /** Entries held now (approximate). */
    long entryCount();

    /** Bytes held now, as the weigher measures them (approximate). */
    long weightedBytes();

    /** Entries dropped to respect the bounds (not expirations). */
    long evictions();
}
