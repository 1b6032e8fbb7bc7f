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

import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.internal.Blocking;
import dev.levee.core.time.Ticker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

import static dev.levee.core.internal.Arguments.positive;
import static dev.levee.core.internal.Arguments.required;
import static java.util.Objects.requireNonNull;

/**
 * A stale-while-revalidate cache whose loads go through a {@link RequestCoalescer}:
 * <ul>
 *   <li>fresh entries are served as {@link CacheStatus#HIT};</li>
 *   <li>entries past fresh but inside stale are served as {@link CacheStatus#STALE} and start at most one
 *       background refresh (the coalescer guarantees one load per key);</li>
 *   <li>when loading fails, an entry inside stale is served as {@link CacheStatus#STALE_IF_ERROR}; a key with
 *       nothing servable remembers the error for a short, jittered {@link CachePolicy#errorTtl()} and fails fast
 *       meanwhile;</li>
 *   <li>the store is written before the coalescer wakes the waiters, so a waiter's next read is a hit.</li>
 * </ul>
 * The future of {@link #get} belongs to the caller: cancelling it releases the caller's coalescer slot only.
 */
public interface SwrCache<K, V> {

    CompletableFuture<CacheResult<V>> get(K key, CachePolicy policy, Supplier<? extends CompletionStage<V>> loader);

    /**
     * Blocking convenience for virtual-thread code: {@link #get} with a blocking {@code loader} (run on the
     * thread of the caller that leads the load, with the local coordinator), waiting for the result. A refusal of
     * the coalescer is thrown as is, and so is the loader's own RuntimeException (or the remembered one, while
     * it is cached); a STALE_IF_ERROR answer is a result, not a throw. On an interrupt this caller's wait is
     * given up, the interrupt flag set again and a {@link java.util.concurrent.CancellationException} thrown.
     */
    default CacheResult<V> read(K key, CachePolicy policy, Supplier<? extends V> loader) {
        requireNonNull(key, "key");
        requireNonNull(policy, "policy");
        requireNonNull(loader, "loader");
        return Blocking.await(get(key, policy, () -> Blocking.stage(loader)), "the cache entry " + key);
    }

    /** The entry currently stored for {@code key}, or null (for tests and diagnostics). */
    @Nullable CacheEntry<V> peek(K key);

    void invalidate(K key);

    CacheStats stats();

    static <K, V> Builder<K, V> builder() {
        return new Builder<>();
    }

    final class Builder<K, V> {
        Ticker ticker = Ticker.system();
        @Nullable RequestCoalescer<K, V> coalescer;
        @Nullable CacheStore<K, V> store;
        long maxEntries = 100_000;
        long maxBytes = 256L << 20;
        ToLongFunction<? super V> weigher = v -> 1;
        Predicate<? super V> storable = v -> true;
        BiFunction<? super V, CachePolicy, CachePolicy> entryPolicy = (v, policy) -> policy;
        Predicate<? super Throwable> cacheableError = e -> true;
        CacheListener<? super K> listener = new CacheListener<>() {};

        private Builder() {}

        public Builder<K, V> ticker(Ticker ticker) {
            this.ticker = requireNonNull(ticker, "ticker");
            return this;
        }

        /** Loads go through this (required); share it with direct coalesced calls of the same keys. */
        public Builder<K, V> coalescer(RequestCoalescer<K, V> coalescer) {
            this.coalescer = requireNonNull(coalescer, "coalescer");
            return this;
        }

        /** A custom store; default: an in-process Caffeine store bounded by {@link #maxEntries}/{@link #maxBytes}. */
        public Builder<K, V> store(CacheStore<K, V> store) {
            this.store = requireNonNull(store, "store");
            return this;
        }

        public Builder<K, V> maxEntries(long maxEntries) {
            this.maxEntries = positive("maxEntries", maxEntries);
            return this;
        }

        public Builder<K, V> maxBytes(long maxBytes) {
            this.maxBytes = positive("maxBytes", maxBytes);
            return this;
        }

        /** Bytes a value holds (key and overhead included, as well as you can tell). */
        public Builder<K, V> weigher(ToLongFunction<? super V> weigher) {
            this.weigher = requireNonNull(weigher, "weigher");
            return this;
        }

        /** Loaded values failing this are handed to the waiters but not stored (e.g. {@code no-store}). */
        public Builder<K, V> storable(Predicate<? super V> storable) {
            this.storable = requireNonNull(storable, "storable");
            return this;
        }

        /**
         * The policy a loaded, storable value is stored with, given the policy of the read that loaded it; default:
         * that policy. Lets a value narrow its own lifetime (e.g. an upstream {@code max-age} shorter than the
         * route's fresh time).
         */
        public Builder<K, V> entryPolicy(BiFunction<? super V, CachePolicy, CachePolicy> entryPolicy) {
            this.entryPolicy = requireNonNull(entryPolicy, "entryPolicy");
            return this;
        }

        /** Load errors failing this are neither remembered nor let an entry skip refreshes (e.g. breaker open). */
        public Builder<K, V> cacheableError(Predicate<? super Throwable> cacheableError) {
            this.cacheableError = requireNonNull(cacheableError, "cacheableError");
            return this;
        }

        /** Told of failed background refreshes (default: nothing; the cache logs nothing). */
        public Builder<K, V> listener(CacheListener<? super K> listener) {
            this.listener = requireNonNull(listener, "listener");
            return this;
        }

        public SwrCache<K, V> build() {
            required("coalescer", coalescer, "a RequestCoalescer, e.g. RequestCoalescer.builder()...build()");
            if (maxEntries > maxBytes) {
                throw new IllegalArgumentException("maxEntries: " + maxEntries + " (expected: <= maxBytes " + maxBytes
                        + ", each entry weighs at least one byte)");
            }
            CacheStore<K, V> s = store != null ? store : new CaffeineCacheStore<>(ticker, maxEntries, maxBytes, weigher);
            return new DefaultSwrCache<>(this, s);
        }
    }
}
