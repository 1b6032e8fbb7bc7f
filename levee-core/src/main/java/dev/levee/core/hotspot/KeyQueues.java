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

import dev.levee.core.ClosedException;
import dev.levee.core.hotspot.HotSpotRejectedException.Reason;
import dev.levee.core.hotspot.KeyState.Waiter;
import dev.levee.core.internal.ListenerGuard;
import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@link DefaultHotSpotLimiter}'s per-key queues and decisions: who waits, who asks the {@link WindowStore},
 * how its answer is applied, and the permits it grants. The limiter's notes describe the policy; this class
 * implements it for one {@link KeyState} at a time.
 *
 * <p>Implementation note, locking and threading. A key's state is changed only under its monitor, and no lock is
 * held while the store is asked or a future is completed (a permit's holder usually starts the upstream call in
 * the callback, and may call back into the limiter). Only one decision runs per key ({@code deciding}): the thread
 * that set it asks the store and applies the answer, then lets the next head ask ({@link #pump}); with an
 * asynchronous store that continues on the store's callback thread. A key's wake-up task runs on the scheduler and
 * only calls {@link #pump}. The counters are lock-free and read by snapshots without any key's lock.
 */
final class KeyQueues {
    private final HotSpotSettings settings;
    private final WindowStore store;
    private final String namespace;
    private final Ticker ticker;
    private final Scheduler scheduler;
    private final Duration window;
    private final long maxWaitNanos;
    private final long spacingNanos;
    private final int alertAt;
    private final TopKeys top;
    private final HotSpotListener listener;
    private final ListenerGuard guard = new ListenerGuard("hot-spot limiter");

    final LongAdder requests = new LongAdder();
    final LongAdder granted = new LongAdder();
    final LongAdder rejectedQueueFull = new LongAdder();
    final LongAdder rejectedWaitTooLong = new LongAdder();
    final LongAdder rejectedTimeout = new LongAdder();
    final LongAdder rejectedKeysExhausted = new LongAdder();
    final LongAdder alerts = new LongAdder();
    final AtomicInteger queued = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();

    private volatile boolean closed;

    KeyQueues(HotSpotSettings settings, WindowStore store, String namespace, Ticker ticker, Scheduler scheduler,
              TopKeys top, HotSpotListener listener) {
        this.settings = settings;
        this.store = store;
        this.namespace = namespace;
        this.ticker = ticker;
        this.scheduler = scheduler;
        this.window = settings.window();
        this.maxWaitNanos = settings.maxWait().toNanos();
        this.spacingNanos = settings.slotSpacingNanos();
        this.alertAt = settings.alertAt();
        this.top = top;
        this.listener = listener;
    }

    String storeKey(String key) {
        return namespace.isEmpty() ? key : namespace + key;
    }

    // ---- entering a key's queue

    /** What {@link #admit} decided for an arriving caller. */
    private record Admission(Waiter waiter, HotSpotRejectedException rejection, boolean first, boolean pump) {}

    /**
     * Serves a caller of {@code ks}'s key: rejected, decided at once, or queued. False (and {@code f} untouched)
     * if the state was removed meanwhile: the caller looks the key up again.
     */
    boolean enter(KeyState ks, CompletableFuture<Permit> f, long now) {
        Admission a;
        synchronized (ks) {
            if (ks.removed) {
                return false;
            }
            a = admit(ks, f, now);
        }
        if (a.rejection() != null) {
            reject(f, a.rejection());
            return true;
        }
        if (a.first()) {
            if (ask(ks, a.waiter(), now)) {
                pump(ks);
            }
        } else if (a.pump()) {
            pump(ks);
        }
        if (!f.isDone()) {
            dropWhenCancelled(ks, a.waiter());
        }
        return true;
    }

    /** Under ks's lock: rejects the caller, lets it be decided at once, or queues it. */
    private Admission admit(KeyState ks, CompletableFuture<Permit> f, long now) {
        ks.lastActivity = Math.max(ks.lastActivity, now); // asked for: not idle for another window
        int ahead = ks.queue.size();
        boolean blocked = now < ks.blockedUntil;
        if (ahead > 0 || ks.deciding || blocked) {
            HotSpotRejectedException rejection = admissionRejection(ks, ahead, blocked, now);
            if (rejection != null) {
                ks.rejected++;
                return new Admission(null, rejection, false, false);
            }
        } else {
            // nobody ahead and the window may have room: decide now, without queueing, so that `queued` counts
            // only callers that really wait (a test or a gauge never sees a caller that is granted at once as
            // queued)
            ks.deciding = true;
            ks.decidingOutside = true;
            ks.room = settings.limit();
            return new Admission(new Waiter(f, now + maxWaitNanos, true), null, true, false);
        }
        Waiter waiter = new Waiter(f, now + maxWaitNanos, false);
        ks.queue.add(waiter);
        queued.incrementAndGet();
        boolean pump = !ks.deciding && now >= ks.blockedUntil;
        if (!pump) {
            armTimer(ks);
        }
        return new Admission(waiter, null, false, pump);
    }

    /** Under ks's lock, for a caller with others ahead, a decision running or the window full: null if it may wait. */
    private HotSpotRejectedException admissionRejection(KeyState ks, int ahead, boolean blocked, long now) {
        if (blocked) {
            long firstFree = ks.blockedUntil - now;
            Reason reason = null;
            if (ahead >= settings.queueCapacity()) {
                reason = Reason.QUEUE_FULL;
            } else if (firstFree + ahead * spacingNanos > maxWaitNanos) {
                reason = Reason.WAIT_TOO_LONG;
            }
            return reason == null ? null : new HotSpotRejectedException(ks.key, reason, firstFree);
        }
        if (ahead + (ks.decidingOutside ? 1 : 0) >= (long) ks.room + settings.queueCapacity()) {
            // the window may have room (a decision is running or about to): a caller waits for its own decision
            // while the callers ahead of it, the one being decided included, leave it a slot the window may still
            // take or a place in the queue. Counting it against the queue alone would turn a burst on an empty
            // window away while each decision is a round trip. Such a waiter is judged like any queued one as
            // soon as the store answers (see decided).
            return new HotSpotRejectedException(ks.key, Reason.QUEUE_FULL, retryAfterNow(ks.key, now));
        }
        return null;
    }

    /** A waiter cancelled before this runs is still dropped, by pump, when it reaches the head. */
    private void dropWhenCancelled(KeyState ks, Waiter w) {
        w.future.whenComplete((p, e) -> {
            if (w.future.isCancelled()) {
                synchronized (ks) {
                    if (ks.queue.remove(w)) {
                        queued.decrementAndGet();
                    }
                }
            }
        });
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
    void direct(String key, CompletableFuture<Permit> f, long now) {
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

    // ---- serving a key's queue

    /** Lets the head of the queue ask the store, as long as there is a head and the window may have room. */
    void pump(KeyState ks) {
        while (true) {
            long now = ticker.read();
            Waiter head;
            List<Waiter> expired;
            long expiredRetry;
            synchronized (ks) {
                if (ks.deciding) {
                    return;
                }
                expired = dropFinishedAndExpired(ks, now);
                expiredRetry = ks.blockedUntil - now;
                head = startDecision(ks, now);
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
     * Under ks's lock: takes the finished waiters off the head of the queue, and those past their deadline while
     * the window is full; returns the latter (to be rejected outside the lock), or null if none.
     */
    private List<Waiter> dropFinishedAndExpired(KeyState ks, long now) {
        List<Waiter> expired = null;
        Waiter head;
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
                continue;
            }
            break;
        }
        return expired;
    }

    /** Under ks's lock: the head, marked deciding, if the window may have room; else null, with the wake-up armed. */
    private Waiter startDecision(KeyState ks, long now) {
        Waiter head = ks.queue.peek();
        if (head != null && now >= ks.blockedUntil && !closed) {
            ks.deciding = true;
            return head;
        }
        armTimer(ks);
        return null;
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

    // ---- applying the store's answer

    /** What a decision changed, collected under the key's lock and acted on outside it. */
    private static final class Outcome {
        KeyPermit grant;
        boolean alert;
        int count;
        long retry;
        Waiter closedLate;
        // waiters taken out of the queue by trim, to be rejected
        List<Waiter> queueFull;
        List<Waiter> tooLong;

        void turnAway(Waiter w, boolean full) {
            if (full) {
                if (queueFull == null) {
                    queueFull = new ArrayList<>();
                }
                queueFull.add(w);
            } else {
                if (tooLong == null) {
                    tooLong = new ArrayList<>();
                }
                tooLong.add(w);
            }
        }

        boolean turnedAway() {
            return queueFull != null || tooLong != null;
        }
    }

    /** Applies the store's answer for {@code head}; true if the next waiter may ask at once. */
    private boolean decided(KeyState ks, Waiter head, WindowDecision d, Throwable err, long now) {
        Outcome o = new Outcome();
        synchronized (ks) {
            ks.deciding = false;
            ks.decidingOutside = false;
            if (err != null || d.allowed()) {
                dequeue(ks, head);
            }
            if (err == null && d.allowed()) {
                applyGrant(ks, d, now, o);
            } else if (err == null) {
                applyFull(ks, head, d, now, o);
            }
        }
        if (err != null) {
            head.future.completeExceptionally(err);
            return true;
        }
        if (o.turnedAway()) {
            rejectTurnedAway(ks, o, now);
        }
        if (o.grant != null) {
            deliver(ks, head, o, now);
            return true;
        }
        if (o.closedLate != null) {
            o.closedLate.future.completeExceptionally(new ClosedException("hot-spot limiter"));
        }
        return false;
    }

    /** Under ks's lock: takes the decided head out of the queue (a first caller decided outside it is not in it). */
    private void dequeue(KeyState ks, Waiter head) {
        if (ks.queue.peek() == head) {
            ks.queue.poll();
            queued.decrementAndGet();
        } else if (ks.queue.remove(head)) {
            queued.decrementAndGet();
        }
    }

    /** Under ks's lock: the store granted a call. */
    private void applyGrant(KeyState ks, WindowDecision d, long now, Outcome o) {
        ks.inFlight++;
        ks.lastActivity = Math.max(ks.lastActivity, now);
        o.count = d.count();
        ks.lastCount = o.count;
        if (o.count >= alertAt) {
            o.alert = !ks.alerting;
            ks.alerting = true;
        } else {
            ks.alerting = false;
        }
        o.grant = new KeyPermit(ks, ks.key, d, now);
        ks.room = Math.max(0, settings.limit() - o.count);
        if (ks.queue.size() > (long) ks.room + settings.queueCapacity()) {
            // fewer slots left than callers waited for them (other instances share the window): those past the
            // slots and the queue are told now rather than after another decision each
            trim(ks, (long) ks.room + settings.queueCapacity(), Long.MIN_VALUE, o);
        }
    }

    /** Under ks's lock: the store said the window is full until some time. */
    private void applyFull(KeyState ks, Waiter head, WindowDecision d, long now, Outcome o) {
        ks.lastCount = d.count();
        if (d.count() < alertAt) {
            ks.alerting = false;
        }
        ks.blockedUntil = now + Math.max(1, d.retryAfterNanos());
        ks.room = 1;
        o.retry = ks.blockedUntil - now;
        if (head.outsideQueue && !head.future.isDone()) {
            // the first caller found the window full: it waits at the head, like any queued caller
            head.outsideQueue = false;
            if (closed) {
                o.closedLate = head;
            } else {
                ks.queue.addFirst(head);
                queued.incrementAndGet();
            }
        }
        // the window is full: only the queue's capacity waits, each judged by the admission estimate now that the
        // first free slot is known (the waiter at position p is expected at blockedUntil + p x spacing; one
        // expected after its deadline is told now)
        trim(ks, settings.queueCapacity(), ks.blockedUntil, o);
        armTimer(ks);
    }

    /**
     * Under ks's lock: drops finished waiters and takes out every waiter past the first {@code places}; if
     * {@code slotAt} is known (not {@code Long.MIN_VALUE}) also every one expected after its deadline, the waiter
     * kept at position p being expected at {@code slotAt + p x spacing}. Those taken out go to {@code o}.
     */
    private void trim(KeyState ks, long places, long slotAt, Outcome o) {
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
            o.turnAway(w, full);
        }
    }

    private void rejectTurnedAway(KeyState ks, Outcome o, long now) {
        if (o.queueFull != null) {
            long full = o.grant != null ? retryAfterNow(ks.key, now) : o.retry;
            for (Waiter w : o.queueFull) {
                reject(w.future, new HotSpotRejectedException(ks.key, Reason.QUEUE_FULL, full));
            }
        }
        if (o.tooLong != null) {
            for (Waiter w : o.tooLong) {
                reject(w.future, new HotSpotRejectedException(ks.key, Reason.WAIT_TOO_LONG, o.retry));
            }
        }
    }

    /** Hands the granted permit to the head; one it cannot take (cancelled meanwhile) is refunded. */
    private void deliver(KeyState ks, Waiter head, Outcome o, long now) {
        granted.increment();
        inFlight.incrementAndGet();
        top.record(ks.key, now);
        if (o.alert) {
            alerts.increment();
            String key = ks.key;
            long calls = o.count;
            guard.call(() -> listener.onAlert(key, calls, settings));
        }
        if (!head.future.complete(o.grant)) {
            o.grant.end(true, false);
        }
    }

    /** Schedules the key's wake-up at the earlier of "window has room" and the head's deadline; under ks's lock. */
    private void armTimer(KeyState ks) {
        Waiter head = ks.queue.peek();
        if (head == null || closed) {
            ks.cancelTimer();
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

    // ---- closing

    /** From now on no head asks the store and no wake-up is armed; {@link #drain} empties each queue. */
    void close() {
        closed = true;
    }

    /** Fails every caller waiting in {@code ks}'s queue (after {@link #close}). */
    void drain(KeyState ks) {
        List<Waiter> waiting;
        synchronized (ks) {
            waiting = new ArrayList<>(ks.queue);
            ks.queue.clear();
            queued.addAndGet(-waiting.size());
            ks.cancelTimer();
        }
        waiting.forEach(w -> w.future.completeExceptionally(new ClosedException("hot-spot limiter")));
    }

    // ---- permits

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
