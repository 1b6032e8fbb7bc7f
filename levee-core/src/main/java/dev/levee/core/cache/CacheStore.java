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
