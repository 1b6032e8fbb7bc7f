package dev.levee.core.cache;

/**
 * Told what a {@link SwrCache} does that users act on (set with {@link SwrCache.Builder#listener}). Every method
 * has a no-op default; implement those you need. Called on the thread that completed the load: keep it short and
 * do not block. An exception it throws is caught and logged once; it never reaches the cache.
 *
 * @param <K> the cache's key type
 */
public interface CacheListener<K> {

    /**
     * A background refresh of a stale entry failed (nobody waits for it, so nobody else hears of it): the stale
     * entry is still served while it lasts.
     */
    default void onRefreshFailed(K key, Throwable error) {}
}
