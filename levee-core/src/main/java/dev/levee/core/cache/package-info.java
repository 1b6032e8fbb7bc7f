/**
 * Stale-while-revalidate caching: {@link dev.levee.core.cache.SwrCache} on Caffeine, loading through a
 * {@link dev.levee.core.coalesce.RequestCoalescer} (one load per key, one background refresh per stale key),
 * with stale-if-error and short jittered negative caching.
 *
 * <p>SPI seam for scale-out: {@link dev.levee.core.cache.CacheStore} holds {@link dev.levee.core.cache.CacheEntry}s
 * whose times are epoch milliseconds, so a shared tier means the same on every instance.
 */
@NullMarked
package dev.levee.core.cache;

import org.jspecify.annotations.NullMarked;
