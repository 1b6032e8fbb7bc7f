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
import dev.levee.core.internal.ListenerGuard;
import dev.levee.core.time.Ticker;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * The {@link SwrCache} implementation.
 *
 * <p>Implementation notes:
 * <ul>
 *   <li>Every load (miss or refresh) is {@code coalescer.join(key, load)}, and {@code load} writes the store in a
 *       {@code handle} stage that the coalescer's shared future depends on: the entry is stored before any
 *       waiter is woken, and a key never has a miss load and a refresh at once.</li>
 *   <li>A stale read starts a refresh only if the coalescer has no flight for the key; the check is racy but
 *       harmless, since a second join merely joins the running flight.</li>
 *   <li>A failed load keeps the last good value and records the error on the entry: reads inside stale are
 *       then {@code STALE_IF_ERROR}. A cacheable error also sets {@code errorUntil} (jittered error TTL), before
 *       which no new load starts; a non-cacheable one (breaker open) lets the next read try again.</li>
 *   <li>The coalescer's fetch is a {@link CacheLoad}, so a shared-store coordinator can answer from a shared tier
 *       or another instance's flight and still have the outcome recorded here ({@code adopt}/{@code adoptError}).
 *       A read whose value turns out to be an entry stored before the read asked (adopted from the shared tier)
 *       is reported as HIT or STALE by that entry's times, with its real age, not as MISS.</li>
 * </ul>
 */
final class DefaultSwrCache<K, V> implements SwrCache<K, V> {
    private final Ticker ticker;
    private final RequestCoalescer<K, V> coalescer;
    private final CacheStore<K, V> store;
    private final Predicate<? super V> storable;
    private final BiFunction<? super V, CachePolicy, CachePolicy> entryPolicy;
    private final Predicate<? super Throwable> cacheableError;

    private final LongAdder hits = new LongAdder();
    private final LongAdder staleHits = new LongAdder();
    private final LongAdder staleIfError = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder coalesced = new LongAdder();
    private final LongAdder negativeHits = new LongAdder();
    private final LongAdder refreshes = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();

    private final CacheListener<? super K> listener;
    private final ListenerGuard guard = new ListenerGuard("cache");

    DefaultSwrCache(Builder<K, V> b, CacheStore<K, V> store) {
        this.ticker = b.ticker;
        this.coalescer = requireNonNull(b.coalescer, "coalescer"); // build() checked it
        this.store = store;
        this.storable = b.storable;
        this.entryPolicy = b.entryPolicy;
        this.cacheableError = b.cacheableError;
        this.listener = b.listener;
    }

    @Override
    public CompletableFuture<CacheResult<V>> get(K key, CachePolicy policy,
                                                 Supplier<? extends CompletionStage<V>> loader) {
        long now = ticker.epochMillis();
        CacheEntry<V> e = store.get(key);
        if (e != null) {
            if (e.hasValue() && now < e.freshUntilMillis()) {
                hits.increment();
                return served(e, CacheStatus.HIT, now);
            }
            boolean errorRemembered = e.error() != null && now < e.errorUntilMillis();
            if (e.hasValue() && now < e.staleUntilMillis()) {
                if (!errorRemembered && !coalescer.inFlight(key)) {
                    refresh(key, policy, loader);
                }
                if (e.error() != null) {
                    staleIfError.increment();
                    return served(e, CacheStatus.STALE_IF_ERROR, now);
                }
                staleHits.increment();
                return served(e, CacheStatus.STALE, now);
            }
            if (errorRemembered) {
                negativeHits.increment();
                return CompletableFuture.failedFuture(e.error());
            }
        }
        RequestCoalescer.Call<V> call = coalescer.join(key, new Load(key, policy, loader, false));
        (call.leader() ? misses : coalesced).increment();
        CacheStatus status = call.leader() ? CacheStatus.MISS : CacheStatus.COALESCED;
        CompletableFuture<V> source = call.result();
        CompletableFuture<CacheResult<V>> out = source.thenApply(v -> loaded(key, v, status, now));
        // the caller owns `out`; cancelling it must release the caller's coalescer slot too
        out.whenComplete((v, err) -> {
            if (out.isCancelled()) {
                source.cancel(false);
            }
        });
        return out;
    }

    private CompletableFuture<CacheResult<V>> served(CacheEntry<V> e, CacheStatus status, long now) {
        // served only when e.hasValue()
        return CompletableFuture.completedFuture(new CacheResult<>(requireNonNull(e.value(), "value"), status,
                Duration.ofMillis(Math.max(0, now - e.storedAtMillis())),
                status == CacheStatus.STALE_IF_ERROR ? e.error() : null));
    }

    /** A load's result for one caller: MISS / COALESCED, unless the value is an adopted entry older than the read. */
    private CacheResult<V> loaded(K key, V v, CacheStatus status, long askedAt) {
        CacheEntry<V> e = store.get(key);
        if (e != null && e.value() == v && e.storedAtMillis() < askedAt) {
            long now = ticker.epochMillis();
            return new CacheResult<>(v, now < e.freshUntilMillis() ? CacheStatus.HIT : CacheStatus.STALE,
                    Duration.ofMillis(Math.max(0, now - e.storedAtMillis())), null);
        }
        return new CacheResult<>(v, status, Duration.ZERO, null);
    }

    private void refresh(K key, CachePolicy policy, Supplier<? extends CompletionStage<V>> loader) {
        RequestCoalescer.Call<V> call = coalescer.join(key, new Load(key, policy, loader, true));
        if (call.leader()) {
            refreshes.increment();
        }
        // nobody waits for a background refresh; its outcome lands in the store
    }

    private CompletionStage<V> load(K key, CachePolicy policy, Supplier<? extends CompletionStage<V>> loader,
                                    Load self) {
        CompletionStage<V> stage;
        try {
            stage = loader.get();
        } catch (Throwable t) {
            stage = CompletableFuture.failedFuture(t);
        }
        return stage.handle((v, err) -> {
            long now = ticker.epochMillis();
            if (err == null) {
                CacheEntry<V> entry = entryFor(v, now, policy);
                self.stored = entry;
                if (entry != null) {
                    store.put(key, entry);
                } else {
                    store.remove(key);
                }
                return v;
            }
            Throwable error = unwrap(err);
            Throwable cause = failed(key, policy, error, now);
            if (self.refresh) { // nobody waits for a refresh: the listener is the only one to hear of its failure
                guard.call(() -> listener.onRefreshFailed(key, error));
            }
            throw cause instanceof CompletionException ce ? ce : new CompletionException(cause);
        });
    }

    private @Nullable CacheEntry<V> entryFor(@Nullable V v, long now, CachePolicy policy) {
        if (v == null || !storable.test(v)) {
            return null;
        }
        return CacheEntry.of(v, now, requireNonNull(entryPolicy.apply(v, policy), "entryPolicy result"));
    }

    /** Records a failed load of {@code key}: stale-if-error on a servable entry, else a remembered error. */
    private Throwable failed(K key, CachePolicy policy, Throwable cause, long now) {
        loadFailures.increment();
        boolean remember = cacheableError.test(cause);
        long errorUntil = remember ? now + jittered(policy.errorTtl()) : now;
        CacheEntry<V> old = store.get(key);
        if (old != null && old.hasValue() && now < old.staleUntilMillis()) {
            store.put(key, old.withError(cause, errorUntil));
        } else if (remember && errorUntil > now) {
            store.put(key, CacheEntry.failure(cause, now, errorUntil));
        }
        return cause;
    }

    /** One load of a key, as the coalescer's fetch; see {@link CacheLoad}. */
    private final class Load implements CacheLoad<V> {
        private final K key;
        private final CachePolicy policy;
        private final Supplier<? extends CompletionStage<V>> loader;
        private final boolean refresh;
        private volatile @Nullable CacheEntry<V> stored;

        Load(K key, CachePolicy policy, Supplier<? extends CompletionStage<V>> loader, boolean refresh) {
            this.key = key;
            this.policy = policy;
            this.loader = loader;
            this.refresh = refresh;
        }

        @Override
        public CompletionStage<V> get() {
            return load(key, policy, loader, this);
        }

        @Override
        public CachePolicy policy() {
            return policy;
        }

        @Override
        public boolean refresh() {
            return refresh;
        }

        @Override
        public @Nullable CacheEntry<V> entryFor(V value, long nowMillis) {
            CacheEntry<V> e = stored;
            if (e != null && e.value() == value) {
                return e; // what get() stored: the shared tier gets the same times as the local store
            }
            return DefaultSwrCache.this.entryFor(value, nowMillis, policy);
        }

        @Override
        public @Nullable V adopt(CacheEntry<V> shared) {
            if (shared.hasValue() && storable.test(shared.value())) {
                store.put(key, shared);
            }
            return shared.value();
        }

        @Override
        public Throwable adoptError(Throwable error) {
            return failed(key, policy, unwrap(error), ticker.epochMillis());
        }
    }

    private static long jittered(Duration ttl) {
        long ms = ttl.toMillis();
        if (ms <= 0) {
            return 0;
        }
        // +-20 %: keys that failed together do not all retry in the same millisecond
        return Math.max(1, Math.round(ms * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble())));
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    @Override
    public @Nullable CacheEntry<V> peek(K key) {
        return store.get(key);
    }

    @Override
    public void invalidate(K key) {
        store.remove(key);
    }

    @Override
    public CacheStats stats() {
        long h = hits.sum();
        long s = staleHits.sum();
        long sie = staleIfError.sum();
        long m = misses.sum();
        long c = coalesced.sum();
        long n = negativeHits.sum();
        long all = h + s + sie + m + c + n;
        double rate = all == 0 ? 0 : Math.round((h + s + sie) * 10_000.0 / all) / 100.0;
        return new CacheStats(h, s, sie, m, c, n, refreshes.sum(), loadFailures.sum(), rate, store.entryCount(),
                store.weightedBytes(), store.evictions());
    }
}
