package dev.levee.core.cache;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * A value served by {@link SwrCache#get}, or by {@link dev.levee.core.readpath.ReadPath#get} (which, without a
 * cache, answers {@link CacheStatus#MISS} or {@link CacheStatus#COALESCED}).
 *
 * @param age        time since the value was loaded (zero for MISS and COALESCED)
 * @param staleError for {@link CacheStatus#STALE_IF_ERROR}, the error that made us serve stale; otherwise null
 */
public record CacheResult<V>(V value, CacheStatus status, Duration age, @Nullable Throwable staleError) {
    public CacheResult {
        requireNonNull(value, "value");
        requireNonNull(status, "status");
        requireNonNull(age, "age");
    }
}
