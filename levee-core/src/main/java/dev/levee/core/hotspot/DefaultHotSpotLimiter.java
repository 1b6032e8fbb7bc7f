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
package dev.levee.core.hotspot;

import dev.levee.core.hotspot.HotSpotRejectedException.Reason;
import dev.levee.core.internal.ListenerGuard;
import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static java.util.Objects.requireNonNull;

/**
 * The {@link HotSpotLimiter}: per-key FIFO wait queues in front of a {@link WindowStore}.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li><b>One decision at a time per key.</b> A key's state ({@link KeyState}, guarded by its monitor) has a FIFO
 *       of waiters; only the head asks the store, and while it does ({@code deciding}) or while the store said
 *       the window is full ({@code blockedUntil}), arrivals queue behind it. So callers are served in arrival
 *       order and a full window costs no store call per arrival: the answer "full until T" is remembered and a
 *       scheduled task (one per key, at the earlier of T and the head's deadline) wakes the queue. Nothing polls.
 *       With an asynchronous store (Redis) the same loop continues in the decision's callback. A caller that
 *       finds nobody ahead is decided at once without entering the queue, and enters it (at the head) only if the
 *       store says full: so {@code queued} counts the callers that wait (for a slot, or for their turn to be
 *       decided behind a running decision), never one granted at once.</li>
 *   <li><b>Admission</b> is decided at enqueue. While the window is known full ("full until T"), a full queue
 *       ({@code queueCapacity} waiters), or an estimated wait (time until the next slot frees + position x
 *       {@code window / limit}) above max wait, is rejected at once with the time until the next slot frees.
 *       While it may have room (a decision is running, its answer unknown), a caller waits for its own decision
 *       as long as the callers ahead of it, the one being decided included, are fewer than the calls the window
 *       may still take ({@code room}: the whole limit when a burst starts, {@code limit - count} after a grant) plus
 *       {@code queueCapacity}; only what exceeds both is rejected ({@code QUEUE_FULL}). So a burst on an empty
 *       window gets the whole limit with an asynchronous store too, even with no queue. A grant that leaves fewer
 *       slots than callers waiting for them (other instances took some) rejects the excess at once; an answer
 *       "full until T" keeps the first {@code queueCapacity} waiters, each judged by the estimate (position p is
 *       expected at T + p x spacing; one expected after its deadline is rejected then, with Retry-After T - now),
 *       and rejects the rest. A waiter still queued at its deadline (the estimate was low: calls in flight ended
 *       late) is rejected by the wake task.</li>
 *   <li><b>Futures are completed outside the lock</b> (a permit's holder usually starts the upstream call in the
 *       callback). A permit that cannot be delivered because its waiter was cancelled is refunded.</li>
 *   <li><b>Bounded keys.</b> At most {@code maxKeys} key states. A state is removed only when idle (no waiter, no
 *       decision running, no permit held, no request, grant or release within the last window), under its lock, with a
 *       {@code removed} mark that makes a racing caller look the key up again. When every state is active, a new
 *       key is decided directly against the store without a queue (a full window rejects with
 *       {@link Reason#KEYS_EXHAUSTED}); the window itself stays exact because the store decides.</li>
 *   <li><b>Alerts.</b> A key crossing {@code alertAt} calls in its window is logged once and counted; it re-arms
 *       once a decision or a snapshot sees it below the threshold again.</li>
 * </ul>
 */
final class DefaultHotSpotLimiter implements HotSpotLimiter {
    private static final Logger log = LoggerFactory.getLogger(HotSpotLimiter.class);

    private final HotSpotSettings settings;
    private final WindowStore store;
    private final String namespace;
    private final Ticker ticker;
    private final Scheduler scheduler;
    private final Duration window;
    private final long windowNanos;
    private final long maxWaitNanos;
    private final long spacingNanos;
    private final int alertAt;

    private final ConcurrentHashMap<String, KeyState> keys = new ConcurrentHashMap<>();
    private final AtomicInteger keyCount = new AtomicInteger();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private volatile long nextSweepAt = Long.MIN_VALUE;
    private final TopKeys top;

    private final LongAdder requests = new LongAdder();
    private final LongAdder granted = new LongAdder();
    private final LongAdder rejectedQueueFull = new LongAdder();
    private final LongAdder rejectedWaitTooLong = new LongAdder();
    private final LongAdder rejectedTimeout = new LongAdder();
    private final LongAdder rejectedKeysExhausted = new LongAdder();
    private final LongAdder alerts = new LongAdder();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();

    private volatile boolean closed;
    private volatile Scheduler.Cancellable housekeeping;

    DefaultHotSpotLimiter(HotSpotSettings settings, WindowStore store, String namespace, Ticker ticker,
                          Scheduler scheduler, HotSpotListener listener) {
        this.listener = requireNonNull(listener, "listener");
        this.settings = requireNonNull(settings, "settings");
        this.store = requireNonNull(store, "store");
        this.namespace = requireNonNull(namespace, "namespace");
        this.ticker = requireNonNull(ticker, "ticker");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.window = settings.window();
        this.windowNanos = window.toNanos();
        this.maxWaitNanos = settings.maxWait().toNanos();
        this.spacingNanos = settings.slotSpacingNanos();
        this.alertAt = settings.alertAt();
        this.top = new TopKeys(settings.topKeys(), TimeUnit.MINUTES.toNanos(1));
        scheduleHousekeeping();
    }

    private final HotSpotListener listener;
    private final ListenerGuard guard = new ListenerGuard("hot-spot limiter");

    private static final class Waiter {
        final CompletableFuture<Permit> future;
        final long deadline;  // enqueue time + max wait
        // found nobody ahead: decided without entering the queue, which it enters (at the head) only if the
        // window is full; guarded by ks
        boolean outsideQueue;

        Waiter(CompletableFuture<Permit> future, long deadline, boolean outsideQueue) {
            this.future = future;
            this.deadline = deadline;
            this.outsideQueue = outsideQueue;
        }
    }

    /** Per-key state; every field is guarded by the instance's monitor. */
    private static final class KeyState {
        final String key;
        final ArrayDeque<Waiter> queue = new ArrayDeque<>();
        boolean deciding;
        // the running decision is for a first caller, outside the queue
        boolean decidingOutside;
        // calls the window may still take, as far as the limiter knows while it is not blocked: the whole limit
        // when a first caller starts deciding (calls leave the window with time, so an older answer says
        // nothing), limit - count after a grant, 1 after "full until T" (from T on), one more after a refund
        int room;
        long blockedUntil = Long.MIN_VALUE;
        Scheduler.Cancellable timer;
        long timerAt = Long.MAX_VALUE;
        int inFlight;
        long lastActivity;
        int lastCount;
        boolean alerting;
        long rejected;
        boolean removed;

        KeyState(String key, long now, int limit) {
            this.key = key;
            this.lastActivity = now;
            this.room = limit;
        }
    }

    @Override
    public HotSpotSettings settings() {
        return settings;
    }

    private String storeKey(String key) {
        return namespace.isEmpty() ? key : namespace + key;
    }

    @Override
    public CompletableFuture<Permit> acquire(String key) {
        requireNonNull(key, "key");
        requests.increment();
        CompletableFuture<Permit> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(new IllegalStateException("hot-spot limiter closed"));
            return f;
        }
        long now = ticker.read();
        while (true) {
            KeyState ks = stateFor(key, now);
            if (ks == null) {
                direct(key, f, now);
                return f;
            }
            HotSpotRejectedException rejection = null;
            Waiter waiter = null;
            boolean pump = false;
            boolean first = false;
            synchronized (ks) {
                if (ks.removed) {
                    continue;
                }
                ks.lastActivity = Math.max(ks.lastActivity, now); // asked for: not idle for another window
                int ahead = ks.queue.size();
                boolean blocked = now < ks.blockedUntil;
                if (ahead > 0 || ks.deciding || blocked) {
                    long firstFree = blocked ? ks.blockedUntil - now : 0;
                    Reason reason = null;
                    if (blocked) {
                        if (ahead >= settings.queueCapacity()) {
                            reason = Reason.QUEUE_FULL;
                        } else if (firstFree + ahead * spacingNanos > maxWaitNanos) {
                            reason = Reason.WAIT_TOO_LONG;
                        }
                    } else if (ahead + (ks.decidingOutside ? 1 : 0) >= (long) ks.room + settings.queueCapacity()) {
                        // the window may have room (a decision is running or about to): a caller waits for its
                        // own decision while the callers ahead of it, the one being decided included, leave it a
                        // slot the window may still take or a place in the queue. Counting it against the queue
                        // alone would turn a burst on an empty window away while each decision is a round trip.
                        // Such a waiter is judged like any queued one as soon as the store answers (see decided).
                        reason = Reason.QUEUE_FULL;
                    }
                    if (reason != null) {
                        rejection = new HotSpotRejectedException(key, reason,
                                blocked ? firstFree : retryAfterNow(key, now));
                    }
                }
                if (rejection != null) {
                    ks.rejected++;
                } else if (ahead == 0 && !ks.deciding && !blocked) {
                    // nobody ahead and the window may have room: decide now, without queueing, so that
                    // `queued` counts only callers that really wait (a test or a gauge never sees a caller
                    // that is granted at once as queued)
                    ks.deciding = true;
                    ks.decidingOutside = true;
                    ks.room = settings.limit();
                    waiter = new Waiter(f, now + maxWaitNanos, true);
                    first = true;
                } else {
                    waiter = new Waiter(f, now + maxWaitNanos, false);
                    ks.queue.add(waiter);
                    queued.incrementAndGet();
                    pump = !ks.deciding && now >= ks.blockedUntil;
                    if (!pump) {
                        armTimer(ks);
                    }
                }
            }
            if (rejection != null) {
                reject(f, rejection);
                return f;
            }
            if (first) {
                if (ask(ks, waiter, now)) {
                    pump(ks);
                }
            } else if (pump) {
                pump(ks);
            }
            if (!f.isDone()) {
                // a waiter cancelled before this runs is still dropped, by pump, when it reaches the head
                Waiter w = waiter;
                f.whenComplete((p, e) -> {
                    if (f.isCancelled()) {
                        synchronized (ks) {
                            if (ks.queue.remove(w)) {
                                queued.decrementAndGet();
                            }
                        }
                    }
                });
            }
            return f;
        }
    }

    /**
     * Retry-After for a caller rejected while the key is not known to be blocked (a decision for the head is
     * running): the store's own view if it has one, else one slot spacing.
     */
    private long retryAfterNow(String key, long now) {
        long peek = store.peekRetryAfter(storeKey(key), settings.limit(), window, now).orElse(0);
        return peek > 0 ? peek : spacingNanos;
    }

    private void reject(CompletableFuture<Permit> f, HotSpotRejectedException e) {
        switch (e.reason()) {
            case QUEUE_FULL -> rejectedQueueFull.increment();
            case WAIT_TOO_LONG -> rejectedWaitTooLong.increment();
            case WAIT_TIMEOUT -> rejectedTimeout.increment();
            case KEYS_EXHAUSTED -> rejectedKeysExhausted.increment();
        }
        if (f.completeExceptionally(e)) {
            guard.call(() -> listener.onRejected(e));
        }
    }

    /** Every key state is active: one decision, no queue. */
    private void direct(String key, CompletableFuture<Permit> f, long now) {
        CompletionStage<WindowDecision> stage;
        try {
            stage = store.tryAcquire(storeKey(key), settings.limit(), window, now);
        } catch (RuntimeException e) {
            f.completeExceptionally(e);
            return;
        }
        stage.whenComplete((d, e) -> {
            if (e != null) {
                f.completeExceptionally(unwrap(e));
            } else if (d.allowed()) {
                granted.increment();
                inFlight.incrementAndGet();
                top.record(key, now);
                KeyPermit p = new KeyPermit(null, key, d, now);
                if (!f.complete(p)) {
                    p.refund();
                }
            } else {
                reject(f, new HotSpotRejectedException(key, Reason.KEYS_EXHAUSTED, d.retryAfterNanos()));
            }
        });
    }

    /** Lets the head of the queue ask the store, as long as there is a head and the window may have room. */
    private void pump(KeyState ks) {
        while (true) {
            long now = ticker.read();
            Waiter head;
            List<Waiter> expired = null;
            long expiredRetry = 0;
            synchronized (ks) {
                if (ks.deciding) {
                    return;
                }
                while ((head = ks.queue.peek()) != null) {
                    if (head.future.isDone()) {
                        ks.queue.poll();
                        queued.decrementAndGet();
                        continue;
                    }
                    if (head.deadline <= now && now < ks.blockedUntil) {
                        ks.queue.poll();
                        queued.decrementAndGet();
                        ks.rejected++;
                        if (expired == null) {
                            expired = new ArrayList<>();
                        }
                        expired.add(head);
                        expiredRetry = ks.blockedUntil - now;
                        continue;
                    }
                    break;
                }
                if (head != null && now >= ks.blockedUntil && !closed) {
                    ks.deciding = true;
                } else {
                    head = null;
                    armTimer(ks);
                }
            }
            if (expired != null) {
                for (Waiter w : expired) {
                    reject(w.future, new HotSpotRejectedException(ks.key, Reason.WAIT_TIMEOUT, expiredRetry));
                }
            }
            if (head == null || !ask(ks, head, now)) {
                return;
            }
        }
    }

    /**
     * Asks the store for {@code head} (the key is marked deciding). True if it answered at once and the next waiter
     * may ask now; an answer that comes later is applied, and the queue served, in its callback.
     */
    private boolean ask(KeyState ks, Waiter head, long now) {
        CompletableFuture<WindowDecision> d;
        try {
            d = store.tryAcquire(storeKey(ks.key), settings.limit(), window, now).toCompletableFuture();
        } catch (RuntimeException e) {
            d = CompletableFuture.failedFuture(e);
        }
        if (!d.isDone()) {
            d.whenComplete((r, e) -> {
                if (decided(ks, head, r, e == null ? null : unwrap(e), ticker.read())) {
                    pump(ks);
                }
            });
            return false;
        }
        WindowDecision r = null;
        Throwable err = null;
        try {
            r = d.join();
        } catch (CompletionException | CancellationException e) {
            err = unwrap(e);
        }
        return decided(ks, head, r, err, now);
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** Applies the store's answer for {@code head}; true if the next waiter may ask at once. */
    private boolean decided(KeyState ks, Waiter head, WindowDecision d, Throwable err, long now) {
        KeyPermit grant = null;
        boolean alert = false;
        Turned turned = null;
        Waiter closedLate = null;
        long retry = 0;
        int count = 0;
        synchronized (ks) {
            ks.deciding = false;
            ks.decidingOutside = false;
            if (err != null || d.allowed()) {
                if (ks.queue.peek() == head) {
                    ks.queue.poll();
                    queued.decrementAndGet();
                } else if (ks.queue.remove(head)) {
                    queued.decrementAndGet();
                }
            }
            if (err == null && d.allowed()) {
                ks.inFlight++;
                ks.lastActivity = Math.max(ks.lastActivity, now);
                count = d.count();
                ks.lastCount = count;
                if (count >= alertAt) {
                    alert = !ks.alerting;
                    ks.alerting = true;
                } else {
                    ks.alerting = false;
                }
                grant = new KeyPermit(ks, ks.key, d, now);
                ks.room = Math.max(0, settings.limit() - count);
                if (ks.queue.size() > (long) ks.room + settings.queueCapacity()) {
                    // fewer slots left than callers waited for them (other instances share the window): those
                    // past the slots and the queue are told now rather than after another decision each
                    turned = trim(ks, (long) ks.room + settings.queueCapacity(), Long.MIN_VALUE);
                }
            } else if (err == null) {
                ks.lastCount = d.count();
                if (d.count() < alertAt) {
                    ks.alerting = false;
                }
                ks.blockedUntil = now + Math.max(1, d.retryAfterNanos());
                ks.room = 1;
                retry = ks.blockedUntil - now;
                if (head.outsideQueue && !head.future.isDone()) {
                    // the first caller found the window full: it waits at the head, like any queued caller
                    head.outsideQueue = false;
                    if (closed) {
                        closedLate = head;
                    } else {
                        ks.queue.addFirst(head);
                        queued.incrementAndGet();
                    }
                }
                // the window is full: only the queue's capacity waits, each judged by the admission estimate now
                // that the first free slot is known (the waiter at position p is expected at blockedUntil + p x
                // spacing; one expected after its deadline is told now)
                turned = trim(ks, settings.queueCapacity(), ks.blockedUntil);
                armTimer(ks);
            }
        }
        if (err != null) {
            head.future.completeExceptionally(err);
            return true;
        }
        if (turned != null) {
            long full = grant != null ? retryAfterNow(ks.key, now) : retry;
            for (Waiter w : turned.queueFull) {
                reject(w.future, new HotSpotRejectedException(ks.key, Reason.QUEUE_FULL, full));
            }
            for (Waiter w : turned.tooLong) {
                reject(w.future, new HotSpotRejectedException(ks.key, Reason.WAIT_TOO_LONG, retry));
            }
        }
        if (grant != null) {
            granted.increment();
            inFlight.incrementAndGet();
            top.record(ks.key, now);
            if (alert) {
                alerts.increment();
                String key = ks.key;
                long calls = count;
                guard.call(() -> listener.onAlert(key, calls, settings));
            }
            if (!head.future.complete(grant)) {
                grant.end(true, false);
            }
            return true;
        }
        if (closedLate != null) {
            closedLate.future.completeExceptionally(new IllegalStateException("hot-spot limiter closed"));
        }
        return false;
    }

    /** Waiters taken out of a queue by {@link #trim}, to be rejected outside the lock. */
    private static final class Turned {
        final List<Waiter> queueFull = new ArrayList<>();
        final List<Waiter> tooLong = new ArrayList<>();
    }

    /**
     * Under ks's lock: drops finished waiters and takes out every waiter past the first {@code places}; if
     * {@code slotAt} is known (not {@code Long.MIN_VALUE}) also every one expected after its deadline, the waiter
     * kept at position p being expected at {@code slotAt + p x spacing}. Null if nobody was taken out.
     */
    private Turned trim(KeyState ks, long places, long slotAt) {
        Turned turned = null;
        int position = 0;
        for (Iterator<Waiter> it = ks.queue.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (w.future.isDone()) {
                it.remove();
                queued.decrementAndGet();
                continue;
            }
            boolean full = position >= places;
            if (!full && (slotAt == Long.MIN_VALUE || slotAt + position * spacingNanos <= w.deadline)) {
                position++;
                continue;
            }
            it.remove();
            queued.decrementAndGet();
            ks.rejected++;
            if (turned == null) {
                turned = new Turned();
            }
            (full ? turned.queueFull : turned.tooLong).add(w);
        }
        return turned;
    }

    /** Schedules the key's wake-up at the earlier of "window has room" and the head's deadline; under ks's lock. */
    private void armTimer(KeyState ks) {
        Waiter head = ks.queue.peek();
        if (head == null || closed) {
            if (ks.timer != null) {
                ks.timer.cancel();
                ks.timer = null;
                ks.timerAt = Long.MAX_VALUE;
            }
            return;
        }
        long at = ks.deciding ? head.deadline : Math.min(ks.blockedUntil, head.deadline);
        if (ks.timer != null && ks.timerAt <= at) {
            return; // an earlier wake-up is pending; it re-arms for the rest
        }
        if (ks.timer != null) {
            ks.timer.cancel();
        }
        ks.timerAt = at;
        long delay = Math.max(0, at - ticker.read());
        ks.timer = scheduler.schedule(() -> {
            synchronized (ks) {
                if (ks.timerAt == at) {
                    ks.timer = null;
                    ks.timerAt = Long.MAX_VALUE;
                }
            }
            pump(ks);
        }, delay, TimeUnit.NANOSECONDS);
    }

    private KeyState stateFor(String key, long now) {
        KeyState ks = keys.get(key);
        if (ks != null) {
            return ks;
        }
        while (true) {
            int c = keyCount.get();
            if (c >= settings.maxKeys()) {
                if (now >= nextSweepAt) {
                    sweep(now, true);
                }
                if (keyCount.get() >= settings.maxKeys()) {
                    return keys.get(key);
                }
                continue;
            }
            if (keyCount.compareAndSet(c, c + 1)) {
                break;
            }
        }
        KeyState created = new KeyState(key, now, settings.limit());
        KeyState prev = keys.putIfAbsent(key, created);
        if (prev != null) {
            keyCount.decrementAndGet();
            return prev;
        }
        return created;
    }

    /** Removes idle key states; returns how many. */
    int sweep(long now, boolean onDemand) {
        if (!sweeping.compareAndSet(false, true)) {
            return 0;
        }
        int removed = 0;
        try {
            long earliest = Long.MAX_VALUE;
            for (Map.Entry<String, KeyState> e : keys.entrySet()) {
                KeyState ks = e.getValue();
                synchronized (ks) {
                    if (ks.removed) {
                        continue;
                    }
                    boolean quiet = ks.queue.isEmpty() && !ks.deciding && ks.inFlight == 0;
                    if (quiet && ks.lastActivity + windowNanos <= now) {
                        ks.removed = true;
                        if (ks.timer != null) {
                            ks.timer.cancel();
                        }
                        keys.remove(e.getKey(), ks);
                        keyCount.decrementAndGet();
                        removed++;
                    } else {
                        earliest = Math.min(earliest, quiet ? ks.lastActivity + windowNanos : now + windowNanos);
                    }
                }
            }
            if (onDemand) {
                // not before a state can go idle, and at most 16 sweeps a window however keys churn
                nextSweepAt = Math.max(earliest, now + windowNanos / 16);
            }
        } finally {
            sweeping.set(false);
        }
        return removed;
    }

    private void scheduleHousekeeping() {
        if (closed) {
            return;
        }
        long every = Math.min(TimeUnit.SECONDS.toNanos(60), Math.max(TimeUnit.SECONDS.toNanos(1), windowNanos));
        housekeeping = scheduler.schedule(() -> {
            long now = ticker.read();
            try {
                sweep(now, false);
                store.expireIdle(now);
            } catch (RuntimeException e) {
                log.warn("hot-spot housekeeping failed", e);
            }
            scheduleHousekeeping();
        }, every, TimeUnit.NANOSECONDS);
    }

    @Override
    public HotSpotSnapshot snapshot(int n) {
        long now = ticker.read();
        int alerting = 0;
        long callsInWindow = 0;
        for (KeyState ks : keys.values()) {
            OptionalInt c = store.peekCount(storeKey(ks.key), window, now);
            synchronized (ks) {
                if (c.isPresent()) {
                    ks.lastCount = c.getAsInt();
                    ks.alerting = c.getAsInt() >= alertAt;
                }
                if (ks.alerting) {
                    alerting++;
                }
                callsInWindow += ks.lastCount;
            }
        }
        List<KeyUsage> view = new ArrayList<>(n);
        for (TopKeys.Ranked r : top.top(n, now)) {
            KeyState ks = keys.get(r.key());
            int inWindow;
            int depth = 0;
            long rejected = 0;
            boolean alert;
            OptionalInt c = store.peekCount(storeKey(r.key()), window, now);
            if (ks != null) {
                synchronized (ks) {
                    inWindow = c.orElse(ks.lastCount);
                    depth = ks.queue.size();
                    rejected = ks.rejected;
                }
            } else {
                inWindow = c.orElse(0);
            }
            alert = inWindow >= alertAt;
            view.add(new KeyUsage(r.key(), r.rate(), r.error(), inWindow, settings.limit(),
                    100.0 * inWindow / settings.limit(), depth, rejected, alert));
        }
        long rq = rejectedQueueFull.sum();
        long rw = rejectedWaitTooLong.sum();
        long rt = rejectedTimeout.sum();
        long rk = rejectedKeysExhausted.sum();
        return new HotSpotSnapshot(requests.sum(), granted.sum(), rq + rw + rt + rk, rq, rw, rt, rk, queued.get(),
                inFlight.get(), alerts.sum(), alerting, keyCount.get(), callsInWindow, view);
    }

    /** The state of one key, for debugging tests. */
    String debug(String key) {
        KeyState ks = keys.get(key);
        if (ks == null) {
            return key + ": no state";
        }
        synchronized (ks) {
            return key + ": deciding=" + ks.deciding + " blockedUntil=" + ks.blockedUntil + " now=" + ticker.read()
                    + " queue=" + ks.queue.size() + " timerAt=" + ks.timerAt + " inFlight=" + ks.inFlight
                    + " lastActivity=" + ks.lastActivity + " removed=" + ks.removed;
        }
    }

    /** Key states held now (for tests: the memory bound). */
    int trackedKeys() {
        return keyCount.get();
    }

    /** Sketch counters held now (for tests: the memory bound). */
    int sketchSize() {
        return top.size();
    }

    @Override
    public void close() {
        closed = true;
        Scheduler.Cancellable h = housekeeping;
        if (h != null) {
            h.cancel();
        }
        for (KeyState ks : keys.values()) {
            List<Waiter> waiting;
            synchronized (ks) {
                waiting = new ArrayList<>(ks.queue);
                ks.queue.clear();
                queued.addAndGet(-waiting.size());
                if (ks.timer != null) {
                    ks.timer.cancel();
                    ks.timer = null;
                }
            }
            waiting.forEach(w -> w.future.completeExceptionally(new IllegalStateException("hot-spot limiter closed")));
        }
    }

    /** A granted call; {@link #end} runs once. */
    private final class KeyPermit implements Permit {
        private final KeyState ks;
        private final String key;
        private final WindowDecision grant;
        private final long grantedAt;
        private final AtomicBoolean ended = new AtomicBoolean();

        KeyPermit(KeyState ks, String key, WindowDecision grant, long grantedAt) {
            this.ks = ks;
            this.key = key;
            this.grant = grant;
            this.grantedAt = grantedAt;
        }

        @Override
        public String key() {
            return key;
        }

        @Override
        public long grantedAtNanos() {
            return grantedAt;
        }

        @Override
        public boolean release() {
            return end(false, true);
        }

        @Override
        public boolean refund() {
            return end(true, true);
        }

        boolean end(boolean refund, boolean pumpAfterRefund) {
            if (!ended.compareAndSet(false, true)) {
                return false;
            }
            long now = ticker.read();
            if (refund) {
                store.refund(storeKey(key), grant, now);
            } else {
                store.callEnded(storeKey(key), grant, now);
            }
            inFlight.decrementAndGet();
            if (ks != null) {
                synchronized (ks) {
                    ks.inFlight--;
                    ks.lastActivity = Math.max(ks.lastActivity, now);
                    if (refund) {
                        ks.blockedUntil = Long.MIN_VALUE; // a slot may be free now
                        ks.room = Math.min(settings.limit(), ks.room + 1);
                    }
                }
                if (refund && pumpAfterRefund) {
                    pump(ks);
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return "Permit[" + key + " @" + grantedAt + (ended.get() ? ", ended]" : "]");
        }
    }
}
