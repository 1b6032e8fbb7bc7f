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
package dev.levee.core.readpath;

import dev.levee.core.breaker.UpstreamBreaker;
import dev.levee.core.breaker.Verdict;
import dev.levee.core.cache.CachePolicy;
import dev.levee.core.cache.CacheResult;
import dev.levee.core.cache.CacheStatus;
import dev.levee.core.cache.SwrCache;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.hotspot.HotSpotLimiter;

import java.util.Collection;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * A read of one upstream resource through every protection Levee has, in a fixed order, each stage optional:
 * <ol>
 *   <li><b>cache</b> ({@link SwrCache}): a fresh entry is a {@link CacheStatus#HIT}, a stale one is served at once
 *       while one background refresh runs, a failed load serves what is still inside stale
 *       ({@link CacheStatus#STALE_IF_ERROR}); its loads go through the cache's own coalescer;</li>
 *   <li><b>coalescer</b> ({@link RequestCoalescer}, used when there is no cache): concurrent reads of one key share
 *       one load;</li>
 *   <li><b>hot-spot window</b> ({@link HotSpotLimiter}): the load takes one slot of each hot key it spends (all or
 *       none), releases them when it completes and refunds them if it never reached the loader;</li>
 *   <li><b>breaker</b> ({@link UpstreamBreaker}): the load's one outcome is recorded, classified by the given
 *       function; while open, loads fail at once;</li>
 *   <li>the caller's <b>loader</b>.</li>
 * </ol>
 * Between the breaker and the cache, {@link Builder#failure} may turn a loaded value into its load's error (an
 * HTTP 5xx reply the breaker counted as a failure, to be served stale-if-error instead).
 * So a hit costs nothing below the cache, and one load, however many callers share it, is one hot-spot slot per
 * hot key and one breaker outcome.
 *
 * <pre>{@code
 * ReadPath<String, Odds> odds = ReadPath.<String, Odds>builder()
 *         .cache(cache, policy)                                  // an SwrCache and the policy of its entries
 *         .hotSpot(limiter, key -> List.of(key))                 // the hot keys a load of this key spends
 *         .breaker(breaker, o -> o.ok() ? Verdict.SUCCESS : Verdict.FAILURE)
 *         .build();
 * odds.get("fixture-42", () -> client.fetchOdds(42))             // CompletableFuture<CacheResult<Odds>>
 * }</pre>
 *
 * <p>A refusal fails the caller's future with the core {@link dev.levee.core.RejectedException} of the stage that
 * refused, wrapped in nothing but a {@link CompletionException}: {@code HotSpotRejectedException},
 * {@code BreakerOpenException}, {@code CoalescerTimeoutException}, {@code CoalescerOverflowException}. A load
 * that fails hands its error to every caller sharing it. Loaded values must not be null.
 *
 * @param <K> key of a read (equals/hashCode identify a cache entry and a flight)
 * @param <V> loaded value; shared by every caller of a flight and stored, so it should be immutable
 */
public interface ReadPath<K, V> {

    /**
     * Reads {@code key}: from the cache, or by joining the load in flight, or by starting one with {@code loader}
     * (which only runs if this caller leads a load that passed the hot-spot window and the breaker). The hot keys
     * of a load are those of the builder's function. The returned future is this caller's: cancelling it gives
     * up its wait only, the shared load goes on. The result's status is {@link CacheStatus#MISS} or
     * {@link CacheStatus#COALESCED} (age zero) without a cache.
     */
    CompletableFuture<CacheResult<V>> get(K key, Supplier<? extends CompletionStage<V>> loader);

    /**
     * Like {@link #get(Object, Supplier)}, with the hot keys of this call's load given by {@code hotKeys} instead
     * of the builder's function (for callers that know them from elsewhere than the key, such as the request).
     * {@code hotKeys} is asked only when this call starts a load, so a hit or a coalesced caller never computes
     * them; an empty collection spends no slot.
     *
     * @throws IllegalStateException if this read path has no hot-spot stage
     */
    CompletableFuture<CacheResult<V>> get(K key, Supplier<? extends Collection<String>> hotKeys,
                                          Supplier<? extends CompletionStage<V>> loader);

    /**
     * Blocking convenience for virtual-thread code: the value of {@link #get(Object, Supplier)} with a blocking
     * {@code loader}. The loader runs on a virtual thread of its own (a load may start inside another caller's
     * read, or in the background for a stale entry, and must not hold that caller). A refusal or a load's error
     * is thrown as is when it is unchecked ({@code HotSpotRejectedException}, {@code BreakerOpenException}, ...),
     * a checked one wrapped in a {@link CompletionException}. If the thread is interrupted while it waits, its
     * wait is given up, the interrupt flag is set again and a {@link CancellationException} is thrown. Do not
     * call it on an event-loop thread.
     */
    default V read(K key, Supplier<? extends V> loader) {
        requireNonNull(key, "key");
        requireNonNull(loader, "loader");
        CompletableFuture<CacheResult<V>> result = get(key, () -> DefaultReadPath.onVirtualThread(loader));
        try {
            return result.get().value();
        } catch (InterruptedException e) {
            result.cancel(false);
            Thread.currentThread().interrupt();
            CancellationException c = new CancellationException("interrupted while reading " + key);
            c.initCause(e);
            throw c;
        } catch (ExecutionException e) {
            Throwable cause = DefaultReadPath.unwrap(e.getCause() != null ? e.getCause() : e);
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new CompletionException(cause);
        }
    }

    static <K, V> Builder<K, V> builder() {
        return new Builder<>();
    }

    /** Builds a {@link ReadPath}; every stage is optional (none at all: each read calls the loader). */
    final class Builder<K, V> {
        @Nullable SwrCache<K, V> cache;
        @Nullable CachePolicy policy;
        @Nullable RequestCoalescer<K, V> coalescer;
        @Nullable HotSpotLimiter limiter;
        @Nullable Function<? super K, ? extends Collection<String>> hotKeys;
        @Nullable UpstreamBreaker breaker;
        @Nullable Function<? super V, Verdict> classify;
        Function<? super V, ? extends Throwable> failure = v -> null;

        private Builder() {}

        /** The cache stage: reads are served from {@code cache}, loaded values stored with {@code policy}. */
        public Builder<K, V> cache(SwrCache<K, V> cache, CachePolicy policy) {
            this.cache = requireNonNull(cache, "cache");
            this.policy = requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The coalescer of a read path without a cache (with one, the cache's own coalescer shares the loads and
         * this one is not used: setting both is refused).
         */
        public Builder<K, V> coalescer(RequestCoalescer<K, V> coalescer) {
            this.coalescer = requireNonNull(coalescer, "coalescer");
            return this;
        }

        /**
         * The hot-spot stage: a load of key {@code k} takes one slot of {@code limiter} for each distinct key of
         * {@code hotKeys.apply(k)} (none for an empty collection) before it reaches the breaker.
         */
        public Builder<K, V> hotSpot(HotSpotLimiter limiter, Function<? super K, ? extends Collection<String>> hotKeys) {
            this.limiter = requireNonNull(limiter, "limiter");
            this.hotKeys = requireNonNull(hotKeys, "hotKeys");
            return this;
        }

        /** The breaker stage: each load is one call of {@code breaker}, its value judged by {@code classify}. */
        public Builder<K, V> breaker(UpstreamBreaker breaker, Function<? super V, Verdict> classify) {
            this.breaker = requireNonNull(breaker, "breaker");
            this.classify = requireNonNull(classify, "classify");
            return this;
        }

        /**
         * Loaded values that stand for a failure (an HTTP 5xx reply, say): {@code failure} returns the error such a
         * value fails its load with, or null for a value to serve (default: every value is served). Applied above
         * the breaker, which has judged the value itself with its classify function, and below the cache: the
         * cache serves stale-if-error and, if its {@code cacheableError} allows, remembers the error, and every
         * caller of the load gets it (the error may carry the value, for callers that pass the reply on).
         */
        public Builder<K, V> failure(Function<? super V, ? extends Throwable> failure) {
            this.failure = requireNonNull(failure, "failure");
            return this;
        }

        public ReadPath<K, V> build() {
            if (cache != null && coalescer != null) {
                throw new IllegalArgumentException("coalescer: " + coalescer
                        + " (expected: none with a cache, whose own coalescer shares its loads)");
            }
            return new DefaultReadPath<>(this);
        }
    }
}
