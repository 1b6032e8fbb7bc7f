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

import dev.levee.core.breaker.BreakerOpenException;
import dev.levee.core.breaker.UpstreamBreaker;
import dev.levee.core.breaker.Verdict;
import dev.levee.core.cache.CachePolicy;
import dev.levee.core.cache.CacheResult;
import dev.levee.core.cache.CacheStatus;
import dev.levee.core.cache.SwrCache;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.hotspot.Permit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * Implementation notes. The stages are fixed in the order cache, coalescer, hot-spot window, breaker, loader, and
 * everything below the coalescer is part of the one load a flight runs. That is the point of the order: one
 * upstream call is one hot-spot slot per hot key and one breaker outcome, however many callers share it, and a
 * cache hit never reaches either. Put the window above the coalescer and N waiters would spend N slots for one
 * call; put the breaker above it and one failure would count N times.
 *
 * <p>The window sits above the breaker so that a slot is held for the whole breaker call, slow-call time
 * included. A load that never reached the loader gives its slots back ({@link Permit#refund()}): refused by the
 * breaker, a later key of the load refused by the window (all or none), or the loader throwing instead of
 * returning a stage. Every other end, success or failure, releases them: the call may have reached the upstream.
 *
 * <p>Stages complete with the raw error (not a {@link CompletionException} around it) so the cache sees what
 * failed (stale-if-error keeps it as {@link CacheResult#staleError()}) and callers get the core rejection wrapped
 * once, by {@link CompletableFuture#join()}.
 */
final class DefaultReadPath<K, V> implements ReadPath<K, V> {
    private final @Nullable SwrCache<K, V> cache;
    private final @Nullable CachePolicy policy;
    private final @Nullable RequestCoalescer<K, V> coalescer;
    private final @Nullable HotSpotLimiter limiter;
    private final @Nullable Function<? super K, ? extends Collection<String>> hotKeys;
    private final @Nullable UpstreamBreaker breaker;
    private final @Nullable Function<? super V, Verdict> classify;
    private final Function<? super V, ? extends Throwable> failure;

    DefaultReadPath(ReadPath.Builder<K, V> b) {
        this.cache = b.cache;
        this.policy = b.policy;
        this.coalescer = b.coalescer;
        this.limiter = b.limiter;
        this.hotKeys = b.hotKeys;
        this.breaker = b.breaker;
        this.classify = b.classify;
        this.failure = b.failure;
    }

    @Override
    public CompletableFuture<CacheResult<V>> get(K key, Supplier<? extends CompletionStage<V>> loader) {
        requireNonNull(key, "key");
        requireNonNull(loader, "loader");
        Function<? super K, ? extends Collection<String>> keysOf = hotKeys; // set together with limiter
        return read(key, limiter == null || keysOf == null ? null : () -> keysOf.apply(key), loader);
    }

    @Override
    public CompletableFuture<CacheResult<V>> get(K key, Supplier<? extends Collection<String>> hotKeys,
                                                 Supplier<? extends CompletionStage<V>> loader) {
        requireNonNull(key, "key");
        requireNonNull(hotKeys, "hotKeys");
        requireNonNull(loader, "loader");
        if (limiter == null) {
            throw new IllegalStateException("hotKeys: given for a read path without a hot-spot stage");
        }
        return read(key, hotKeys, loader);
    }

    private CompletableFuture<CacheResult<V>> read(K key, @Nullable Supplier<? extends Collection<String>> keys,
                                                   Supplier<? extends CompletionStage<V>> loader) {
        Supplier<CompletionStage<V>> load = () -> load(keys, loader);
        if (cache != null) {
            return cache.get(key, requireNonNull(policy, "policy"), load); // set together with cache
        }
        if (coalescer != null) {
            RequestCoalescer.Call<V> call = coalescer.join(key, load);
            return result(call.result(), call.leader() ? CacheStatus.MISS : CacheStatus.COALESCED);
        }
        CompletableFuture<V> plain;
        try {
            plain = load.get().toCompletableFuture();
        } catch (Throwable t) {
            plain = CompletableFuture.failedFuture(t);
        }
        return result(plain, CacheStatus.MISS);
    }

    /** {@code value} as a result the caller owns: cancelling it cancels {@code value} (the caller's coalescer slot). */
    private static <V> CompletableFuture<CacheResult<V>> result(CompletableFuture<V> value, CacheStatus status) {
        if (value.isDone() && !value.isCompletedExceptionally()) {
            return CompletableFuture.completedFuture(new CacheResult<>(value.join(), status, Duration.ZERO, null));
        }
        CompletableFuture<CacheResult<V>> out = new CompletableFuture<>();
        value.whenComplete((v, e) -> {
            if (e != null) {
                out.completeExceptionally(unwrap(e));
            } else if (v == null) {
                out.completeExceptionally(new NullPointerException("loader: completed with null"));
            } else {
                out.complete(new CacheResult<>(v, status, Duration.ZERO, null));
            }
        });
        out.whenComplete((r, e) -> {
            if (out.isCancelled()) {
                value.cancel(false);
            }
        });
        return out;
    }

    /** One load: the hot-spot slots of its keys, then the breaker, then the loader; a failing value as its error. */
    private CompletionStage<V> load(@Nullable Supplier<? extends Collection<String>> keys,
                                    Supplier<? extends CompletionStage<V>> loader) {
        CompletionStage<V> stage = guarded(keys, loader);
        CompletableFuture<V> out = new CompletableFuture<>();
        stage.whenComplete((v, e) -> {
            Throwable err = e != null ? unwrap(e) : null;
            if (err == null) {
                try {
                    err = failure.apply(v);
                } catch (RuntimeException | Error t) {
                    err = t;
                }
            }
            if (err != null) {
                out.completeExceptionally(err);
            } else {
                out.complete(v);
            }
        });
        return out;
    }

    private CompletionStage<V> guarded(@Nullable Supplier<? extends Collection<String>> keys,
                                    Supplier<? extends CompletionStage<V>> loader) {
        List<String> hot = keys == null ? List.of() : List.copyOf(new LinkedHashSet<>(keys.get()));
        if (hot.isEmpty()) {
            return call(loader, new AtomicBoolean());
        }
        CompletableFuture<V> out = new CompletableFuture<>();
        acquireAll(hot).whenComplete((permits, refused) -> {
            if (refused != null) {
                out.completeExceptionally(unwrap(refused));
                return;
            }
            AtomicBoolean notStarted = new AtomicBoolean();
            CompletionStage<V> stage;
            try {
                stage = call(loader, notStarted);
            } catch (Throwable t) {
                permits.forEach(Permit::refund);
                out.completeExceptionally(t);
                return;
            }
            stage.whenComplete((v, e) -> {
                Throwable err = e == null ? null : unwrap(e);
                boolean unsent = notStarted.get() || err instanceof BreakerOpenException;
                permits.forEach(unsent ? Permit::refund : Permit::release);
                if (err != null) {
                    out.completeExceptionally(err);
                } else {
                    out.complete(v);
                }
            });
        });
        return out;
    }

    /** The loader through the breaker, if any; {@code notStarted} is set if the loader threw instead of starting. */
    private CompletionStage<V> call(Supplier<? extends CompletionStage<V>> loader, AtomicBoolean notStarted) {
        Supplier<CompletionStage<V>> guarded = () -> {
            CompletionStage<V> stage;
            try {
                stage = loader.get();
            } catch (RuntimeException | Error e) {
                notStarted.set(true);
                throw e;
            }
            return requireNonNull(stage, "loader: returned null");
        };
        if (breaker == null) {
            return guarded.get();
        }
        return breaker.execute(guarded, requireNonNull(classify, "classify")); // set together with breaker
    }

    /**
     * A slot of every key, or none: keys are taken one after the other; if one is refused, the slots already
     * taken are refunded (nothing was sent) and the refusal stands.
     */
    private CompletableFuture<List<Permit>> acquireAll(List<String> keys) {
        HotSpotLimiter window = requireNonNull(limiter, "limiter"); // only loads with hot keys get here
        CompletableFuture<List<Permit>> chain = CompletableFuture.completedFuture(new ArrayList<>(keys.size()));
        for (String key : keys) {
            chain = chain.thenCompose(taken -> window.acquire(key).handle((permit, err) -> {
                if (err != null) {
                    taken.forEach(Permit::refund);
                    throw err instanceof CompletionException ce ? ce : new CompletionException(err);
                }
                taken.add(permit);
                return taken;
            }));
        }
        return chain;
    }

    /** A blocking loader's value, computed on a virtual thread of its own. */
    static <V> CompletableFuture<V> onVirtualThread(Supplier<? extends V> loader) {
        CompletableFuture<V> out = new CompletableFuture<>();
        Thread.ofVirtual().name("levee-read-path-load").start(() -> {
            try {
                out.complete(loader.get());
            } catch (Throwable t) {
                out.completeExceptionally(t);
            }
        });
        return out;
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
