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

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.levee.core.time.Ticker;

import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * The in-process {@link CacheStore} on Caffeine (W-TinyLFU eviction).
 *
 * <p>Implementation notes: Caffeine bounds either by count or by weight, not both. We bound by weight and give
 * every entry a weight of at least {@code maxBytes / maxEntries}, so the weight bound also caps the entry count at
 * {@code maxEntries}: both limits hold, small entries are simply charged a minimum. Each entry expires at its own
 * {@link CacheEntry#expiresAtMillis()} (variable expiry), read on our ticker through Caffeine's {@code Ticker};
 * maintenance runs on the calling thread, so tests on a manual ticker are deterministic.
 */
final class CaffeineCacheStore<K, V> implements CacheStore<K, V> {
    private final Cache<K, CacheEntry<V>> cache;
    private final Ticker ticker;

    CaffeineCacheStore(Ticker ticker, long maxEntries, long maxBytes, ToLongFunction<? super V> weigher) {
        this.ticker = ticker;
        long minWeight = Math.max(1, maxBytes / maxEntries);
        this.cache = Caffeine.newBuilder()
                .ticker(ticker::read)
                .executor(Runnable::run)
                .maximumWeight(maxBytes)
                .<K, CacheEntry<V>>weigher((k, e) -> (int) Math.min(Integer.MAX_VALUE,
                        Math.max(minWeight, e.value() == null ? 0 : weigher.applyAsLong(e.value()))))
                .expireAfter(new Expiry<K, CacheEntry<V>>() {
                    @Override
                    public long expireAfterCreate(K key, CacheEntry<V> e, long currentTime) {
                        return remaining(e);
                    }

                    @Override
                    public long expireAfterUpdate(K key, CacheEntry<V> e, long currentTime, long currentDuration) {
                        return remaining(e);
                    }

                    @Override
                    public long expireAfterRead(K key, CacheEntry<V> e, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .recordStats()
                .build();
    }

    private long remaining(CacheEntry<V> e) {
        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, e.expiresAtMillis() - ticker.epochMillis()));
    }

    @Override
    public @Nullable CacheEntry<V> get(K key) {
        return cache.getIfPresent(key);
    }

    @Override
    public void put(K key, CacheEntry<V> entry) {
        cache.put(key, entry);
    }

    @Override
    public void remove(K key) {
        cache.invalidate(key);
    }

    @Override
    public void clear() {
        cache.invalidateAll();
    }

    @Override
    public long entryCount() {
        return cache.estimatedSize();
    }

    @Override
    public long weightedBytes() {
        return cache.policy().eviction().flatMap(e -> e.weightedSize().stream().boxed().findFirst()).orElse(0L);
    }

    @Override
    public long evictions() {
        return cache.stats().evictionCount();
    }
}
