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
package dev.levee.redis.coalesce;

import dev.levee.core.cache.CacheEntry;
import dev.levee.core.cache.CacheLoad;
import dev.levee.core.coalesce.FlightCoordinator;
import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;
import dev.levee.redis.LuaScript;
import dev.levee.redis.RedisConnection;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import static dev.levee.core.internal.Arguments.A_SCHEDULER;
import static dev.levee.core.internal.Arguments.atLeastMillisecond;
import static dev.levee.core.internal.Arguments.nonNegative;
import static dev.levee.core.internal.Arguments.required;
import static java.util.Objects.requireNonNull;

/**
 * Coalescing across instances, and the shared cache tier: a cold key costs one fetch however many instances ask.
 * Plugged under each instance's {@link dev.levee.core.coalesce.RequestCoalescer} (which already reduces an instance
 * to one flight per key), so Redis sees one flight per key per instance at most.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li><b>Keys.</b> Per coalescing key (hashed: keys can be long and hold identities) three keys with one hash tag
 *       {@code <prefix>{fl:<sha>}}: {@code :lock} (the holder's token), {@code :res} (the last flight's result,
 *       tagged with its token, TTL {@code resultTtl}) and {@code :entry} (the shared cache entry, TTL = its stale
 *       end). One slot, so the publish script runs on Redis Cluster.</li>
 *   <li><b>The lock.</b> {@code SET lock token NX PX lease GET}: one round trip tells "mine" (nil) or whose it is
 *       (the holder's token). The holder runs {@code fetch} and then one script writes the result (and the cache
 *       entry, if the value is storable), deletes the lock if it still holds it, and publishes
 *       {@code "<sha> <token>"} on one shared channel {@code <prefix>flights}.</li>
 *   <li><b>Waiting.</b> A waiter registers locally, then reads {@code res} and {@code lock} in one MGET (this
 *       closes the race with a holder that finished before the waiter registered): a result with the holder's
 *       token answers it; a lock that no longer names the holder, with no result for it, means the holder died
 *       or its lease ran out, and the waiter tries the lock itself (takeover). The same check runs on every
 *       notification and every {@code recheck} (so a lost notification or a pub/sub connection still
 *       reconnecting costs latency, never correctness). After {@code maxAttempts} takeovers it fetches
 *       locally. Only results tagged with the awaited token are accepted, so an old result is never mistaken for
 *       the awaited one.</li>
 *   <li><b>Errors.</b> The holder publishes an error as a marker with the codec's bytes for it: waiters on other
 *       instances fail fast with the same error (every waiter gets the identical error). An error the codec does
 *       not share ({@link ValueCodec#encodeError} null, e.g. the holder's own breaker is open) is published as a
 *       bare marker, and the waiters then try the lock themselves.</li>
 *   <li><b>Shared cache tier.</b> When {@code fetch} is a {@link CacheLoad} (a {@code SwrCache} load), the
 *       coordinator first reads {@code :entry}. Fresh: adopted (stored locally with its own times) and returned,
 *       no lock, no fetch. Stale-servable on a miss (not a refresh): adopted and returned at once, and a refresh
 *       is started through the lock (one per key cluster-wide). Otherwise the lock path; the holder's storable
 *       value is also written as the new {@code :entry}, and waiters adopt it. Errors reach the local cache through
 *       {@link CacheLoad#adoptError} (stale-if-error, error TTL) as a local failure would.</li>
 *   <li><b>Redis unreachable.</b> Never fails a flight for Redis: while the connection is down, and whenever a
 *       Redis command fails, the flight runs {@code fetch} locally (counted as a fallback; {@link #sharedUp}
 *       false until a command succeeds again). A holder whose publish fails has already answered locally; other
 *       instances see its lock expire and take over.</li>
 *   <li><b>Bounds.</b> The waiter map holds one entry per local flight waiting on another instance, so it is
 *       bounded by the local coalescer's flights; results and entries expire by TTL in Redis.</li>
 *   <li><b>Time.</b> Entry times are epoch millis from the {@link Ticker} (instances' clocks must roughly agree, as
 *       for any shared cache); the lock lease and TTLs are Redis' own.</li>
 * </ul>
 */
public final class RedisFlightCoordinator<V> implements FlightCoordinator<String, V>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisFlightCoordinator.class);

    public static final String DEFAULT_PREFIX = "levee:";

    private final RedisConnection redis;
    private final FlightKeys keys;
    private final ValueCodec<V> codec;
    private final long leaseMillis;
    private final long resultTtlMillis;
    private final long recheckNanos;
    private final int maxAttempts;
    private final Ticker ticker;
    private final Scheduler scheduler;
    private final LuaScript publish = new LuaScript(FlightKeys.PUBLISH);
    private final String instance = UUID.randomUUID().toString();
    private final AtomicLong seq = new AtomicLong();
    private final ConcurrentHashMap<String, List<Wait>> waiting = new ConcurrentHashMap<>();

    private final LongAdder sharedHits = new LongAdder();
    private final LongAdder led = new LongAdder();
    private final LongAdder joined = new LongAdder();
    private final LongAdder takeovers = new LongAdder();
    private final LongAdder fallbacks = new LongAdder();
    private volatile boolean sharedUp = true;

    private final FlightNotifications notifications;
    private volatile boolean closed;

    private RedisFlightCoordinator(Builder<V> b) {
        this.redis = b.redis;
        this.keys = new FlightKeys(b.prefix);
        this.codec = b.codec;
        this.leaseMillis = b.lease.toMillis();
        this.resultTtlMillis = b.resultTtl.toMillis();
        this.recheckNanos = b.recheck.toNanos();
        this.maxAttempts = b.maxAttempts;
        this.ticker = b.ticker;
        this.scheduler = b.scheduler;
        this.notifications = new FlightNotifications(redis, scheduler, keys.channel(), this::onMessage);
        publish.preload(redis);
        notifications.subscribe();
    }

    public static <V> Builder<V> builder(RedisConnection redis, ValueCodec<V> codec) {
        return new Builder<>(redis, codec);
    }

    // ---- notifications ----

    /** A flight ended: {@code "<id> <token>"}; its waiters on this instance check now. */
    private void onMessage(String message) {
        int sp = message.indexOf(' ');
        if (sp <= 0) {
            return;
        }
        List<Wait> ws = waiting.get(message.substring(0, sp));
        if (ws == null) {
            return;
        }
        List<Wait> copy;
        synchronized (ws) {
            copy = new ArrayList<>(ws);
        }
        String token = message.substring(sp + 1);
        for (Wait w : copy) {
            if (w.holderToken.equals(token)) {
                w.check();
            }
        }
    }

    // ---- keys ----

    /** The id of {@code key} in Redis key names (tools and tests). */
    public static String hash(String key) {
        return FlightKeys.hash(key);
    }

    /** {@code <prefix>{fl:<id>}}: the hash-tagged stem of one key's lock, result and entry keys. */
    String base(String id) {
        return keys.base(id);
    }

    // ---- the flight ----

    @Override
    public CompletionStage<V> run(String key, Supplier<? extends CompletionStage<V>> fetch) {
        requireNonNull(key, "key");
        requireNonNull(fetch, "fetch");
        @SuppressWarnings("unchecked")
        CacheLoad<V> load = fetch instanceof CacheLoad<?> l ? (CacheLoad<V>) l : null;
        if (!usable()) {
            return fallback(fetch);
        }
        CompletableFuture<V> out = new CompletableFuture<>();
        String id = hash(key);
        if (load == null) {
            attempt(id, fetch, null, 0, out);
            return out;
        }
        String entryKey = keys.entry(id);
        CompletableFuture<String> got;
        try {
            got = redis.strings().get(entryKey).toCompletableFuture();
        } catch (RuntimeException e) {
            failed(e);
            return fallback(fetch);
        }
        got.whenComplete((raw, e) -> {
            if (e != null) {
                failed(e);
                local(fetch, out);
                return;
            }
            ok();
            long now = ticker.epochMillis();
            FlightRecord rec = raw == null ? null : FlightRecord.parse(raw);
            try {
                if (rec != null && rec.value() && now < rec.freshUntil()) {
                    sharedHits.increment();
                    out.complete(load.adopt(rec.toCacheEntry(codec)));
                    return;
                }
                if (rec != null && rec.value() && !load.refresh() && now < rec.staleUntil()) {
                    sharedHits.increment();
                    out.complete(load.adopt(rec.toCacheEntry(codec)));
                    // stale-while-revalidate: one refresh through the lock; its outcome lands in the local store
                    attempt(id, load, load, 0, new CompletableFuture<>());
                    return;
                }
            } catch (RuntimeException bad) {
                log.warn("unreadable shared cache entry {}; loading", entryKey, bad);
            }
            attempt(id, fetch, load, 0, out);
        });
        return out;
    }

    private boolean usable() {
        if (closed || !redis.isConnected()) {
            sharedUp = false;
            return false;
        }
        return true;
    }

    private void ok() {
        sharedUp = true;
    }

    private void failed(Throwable e) {
        if (sharedUp) {
            log.warn("Redis coalescing failed ({}); flights run locally until Redis answers", unwrap(e).toString());
        }
        sharedUp = false;
    }

    private CompletionStage<V> fallback(Supplier<? extends CompletionStage<V>> fetch) {
        fallbacks.increment();
        return call(fetch);
    }

    private void local(Supplier<? extends CompletionStage<V>> fetch, CompletableFuture<V> out) {
        fallbacks.increment();
        call(fetch).whenComplete((v, e) -> complete(out, v, e));
    }

    private static <V> CompletionStage<V> call(Supplier<? extends CompletionStage<V>> fetch) {
        try {
            CompletionStage<V> s = fetch.get();
            return s != null ? s : CompletableFuture.failedFuture(new NullPointerException("fetch returned null"));
        } catch (Throwable t) {
            return CompletableFuture.failedFuture(t);
        }
    }

    private static <V> void complete(CompletableFuture<V> out, V v, Throwable e) {
        if (e == null) {
            out.complete(v);
        } else {
            out.completeExceptionally(unwrap(e));
        }
    }

    /** Try the lock: lead if it is ours, else wait for its holder. */
    private void attempt(String id, Supplier<? extends CompletionStage<V>> fetch, CacheLoad<V> load, int attempt,
                         CompletableFuture<V> out) {
        if (attempt > maxAttempts || !usable()) {
            local(fetch, out);
            return;
        }
        String token = instance + ":" + seq.incrementAndGet();
        CompletableFuture<String> set;
        try {
            set = redis.strings().setGet(keys.lock(id), token, SetArgs.Builder.nx().px(leaseMillis))
                    .toCompletableFuture();
        } catch (RuntimeException e) {
            failed(e);
            local(fetch, out);
            return;
        }
        set.whenComplete((holder, e) -> {
            if (e != null) {
                failed(e);
                local(fetch, out);
            } else if (holder == null) {
                ok();
                lead(id, token, fetch, load, out);
            } else {
                ok();
                new Wait(id, holder, fetch, load, attempt, out).start();
            }
        });
    }

    private void lead(String id, String token, Supplier<? extends CompletionStage<V>> fetch, CacheLoad<V> load,
                      CompletableFuture<V> out) {
        led.increment();
        call(fetch).whenComplete((v, e) -> {
            // answer locally first: the publication is for the other instances
            complete(out, v, e);
            publish(id, token, v, e == null ? null : unwrap(e), load);
        });
    }

    private void publish(String id, String token, V v, Throwable error, CacheLoad<V> load) {
        long now = ticker.epochMillis();
        String result;
        String entry = "";
        long entryTtl = 0;
        try {
            if (error == null) {
                String payload = Base64.getEncoder().encodeToString(codec.encode(v));
                CacheEntry<V> e = load == null ? null : load.entryFor(v, now);
                if (e != null) {
                    entry = FlightRecord.value(token, e.storedAtMillis(), e.freshUntilMillis(), e.staleUntilMillis(), payload);
                    entryTtl = e.staleUntilMillis() - now;
                    result = entry;
                } else {
                    result = FlightRecord.value(token, now, now, now, payload);
                }
            } else {
                byte[] b = codec.encodeError(error);
                result = FlightRecord.error(token, now, b == null ? "" : Base64.getEncoder().encodeToString(b));
            }
        } catch (RuntimeException bad) {
            log.warn("flight result not encodable; other instances take over after the lease", bad);
            return;
        }
        if (entryTtl <= 0) {
            entry = "";
            entryTtl = 1;
        }
        String[] scriptKeys = {keys.result(id), keys.entry(id), keys.lock(id)};
        publish.<Long>eval(redis, ScriptOutputType.INTEGER, scriptKeys, result, Long.toString(resultTtlMillis), entry,
                Long.toString(entryTtl), keys.channel(), id + " " + token, token).whenComplete((r, e) -> {
                    if (e != null) {
                        failed(e);
                    } else {
                        ok();
                    }
                });
    }

    /** A flight of this instance waiting for another instance's holder. */
    private final class Wait {
        final String id;
        final String holderToken;
        final Supplier<? extends CompletionStage<V>> fetch;
        final CacheLoad<V> load;
        final int attempt;
        final CompletableFuture<V> out;
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicBoolean checking = new AtomicBoolean();
        volatile boolean again;
        volatile Scheduler.Cancellable timer = () -> false;

        Wait(String id, String holderToken, Supplier<? extends CompletionStage<V>> fetch, CacheLoad<V> load,
             int attempt, CompletableFuture<V> out) {
            this.id = id;
            this.holderToken = holderToken;
            this.fetch = fetch;
            this.load = load;
            this.attempt = attempt;
            this.out = out;
        }

        void start() {
            // compute is atomic per key with end()'s computeIfPresent: never added to a list being dropped
            waiting.compute(id, (k, l) -> {
                List<Wait> n = l == null ? new ArrayList<>(1) : l;
                synchronized (n) {
                    n.add(this);
                }
                return n;
            });
            check();
            schedule();
        }

        private void schedule() {
            if (done.get()) {
                return;
            }
            try {
                timer = scheduler.schedule(() -> {
                    check();
                    schedule();
                }, recheckNanos, TimeUnit.NANOSECONDS);
            } catch (RuntimeException e) {
                end(() -> local(fetch, out)); // no scheduler: do not wait unbounded
            }
        }

        /** Reads the result and the lock; one check at a time, and one more if asked meanwhile. */
        void check() {
            if (done.get()) {
                return;
            }
            again = true;
            if (!checking.compareAndSet(false, true)) {
                return;
            }
            again = false;
            CompletableFuture<List<KeyValue<String, String>>> mget;
            try {
                mget = redis.strings().mget(keys.result(id), keys.lock(id)).toCompletableFuture();
            } catch (RuntimeException e) {
                checking.set(false);
                failed(e);
                end(() -> local(fetch, out));
                return;
            }
            mget.whenComplete((kv, e) -> {
                checking.set(false);
                if (e != null) {
                    failed(e);
                    end(() -> local(fetch, out));
                    return;
                }
                ok();
                String res = kv.get(0).getValueOrElse(null);
                String lock = kv.get(1).getValueOrElse(null);
                FlightRecord rec = res == null ? null : FlightRecord.parse(res);
                if (rec != null && holderToken.equals(rec.token())) {
                    end(() -> finish(rec));
                } else if (!holderToken.equals(lock)) {
                    // the holder's lock is gone and it left no result: it died or outlived its lease
                    takeovers.increment();
                    end(() -> attempt(id, fetch, load, attempt + 1, out));
                } else if (again) {
                    check();
                }
            });
        }

        private void end(Runnable then) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            timer.cancel();
            waiting.computeIfPresent(id, (k, l) -> {
                synchronized (l) {
                    l.remove(this);
                    return l.isEmpty() ? null : l;
                }
            });
            then.run();
        }

        private void finish(FlightRecord rec) {
            try {
                if (rec.value()) {
                    joined.increment();
                    if (load != null && rec.freshUntil() > rec.storedAt()) {
                        out.complete(load.adopt(rec.toCacheEntry(codec)));
                    } else {
                        out.complete(codec.decode(rec.payload()));
                    }
                    return;
                }
                if (rec.b64().isEmpty()) {
                    // the holder's error is its own (not shared): fetch through the lock ourselves
                    attempt(id, fetch, load, attempt + 1, out);
                    return;
                }
                joined.increment();
                Throwable error = codec.decodeError(rec.payload());
                out.completeExceptionally(load != null ? load.adoptError(error) : error);
            } catch (RuntimeException bad) {
                log.warn("unreadable flight result; fetching locally", bad);
                local(fetch, out);
            }
        }
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    // ---- stats and lifecycle ----

    /** False after a Redis failure until a Redis command succeeds again (flights meanwhile run locally). */
    public boolean sharedUp() {
        return sharedUp && !closed && redis.isConnected();
    }

    /** True once notifications arrive (tests wait for it; waiting works without it, only slower). */
    boolean subscribed() {
        return notifications.subscribed();
    }

    /** Local flights waiting on another instance's holder now. */
    int waitingFlights() {
        int n = 0;
        for (List<Wait> l : waiting.values()) {
            synchronized (l) {
                n += l.size();
            }
        }
        return n;
    }

    public long fallbacks() {
        return fallbacks.sum();
    }

    public FlightCoordinatorStats stats() {
        return new FlightCoordinatorStats(sharedHits.sum(), led.sum(), joined.sum(), takeovers.sum(), fallbacks.sum(),
                sharedUp());
    }

    /** Closes the pub/sub connection (not the shared connection). Waiting flights run locally. */
    @Override
    public void close() {
        closed = true;
        notifications.close();
    }

    public static final class Builder<V> {
        private final RedisConnection redis;
        private final ValueCodec<V> codec;
        private String prefix = DEFAULT_PREFIX;
        private Duration lease = Duration.ofSeconds(10);
        private Duration resultTtl = Duration.ofSeconds(10);
        private Duration recheck = Duration.ofMillis(250);
        private int maxAttempts = 3;
        private Ticker ticker = Ticker.system();
        private Scheduler scheduler;

        private Builder(RedisConnection redis, ValueCodec<V> codec) {
            this.redis = requireNonNull(redis, "redis");
            this.codec = requireNonNull(codec, "codec");
        }

        /** Prefix of every key and of the channel (default {@code levee:}; tests use their own). */
        public Builder<V> prefix(String prefix) {
            this.prefix = requireNonNull(prefix, "prefix");
            return this;
        }

        /** How long a holder keeps the lock; keep it above the longest fetch (a slower one is fetched twice). */
        public Builder<V> lease(Duration lease) {
            this.lease = atLeastMillisecond("lease", lease);
            return this;
        }

        /** How long a flight's result stays readable for waiters that check late. */
        public Builder<V> resultTtl(Duration resultTtl) {
            this.resultTtl = atLeastMillisecond("resultTtl", resultTtl);
            return this;
        }

        /** How often a waiter checks result and lock without a notification (lost messages, holder death). */
        public Builder<V> recheck(Duration recheck) {
            this.recheck = atLeastMillisecond("recheck", recheck);
            return this;
        }

        /** Takeovers before a waiter gives up on Redis and fetches locally (default 3). */
        public Builder<V> maxAttempts(int maxAttempts) {
            this.maxAttempts = nonNegative("maxAttempts", maxAttempts);
            return this;
        }

        public Builder<V> ticker(Ticker ticker) {
            this.ticker = requireNonNull(ticker, "ticker");
            return this;
        }

        /** Fires the rechecks (required). */
        public Builder<V> scheduler(Scheduler scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        public RedisFlightCoordinator<V> build() {
            required("scheduler", scheduler, A_SCHEDULER);
            return new RedisFlightCoordinator<>(this);
        }
    }
}
