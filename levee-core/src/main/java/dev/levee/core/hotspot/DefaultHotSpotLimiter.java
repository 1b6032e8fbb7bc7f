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
import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The {@link HotSpotLimiter}: per-key FIFO wait queues in front of a {@link WindowStore}. This class ties the
 * pieces together: {@link KeyTable} (the bounded table of key states), {@link KeyQueues} (each key's queue, its
 * decisions and the permits), the housekeeping timer and the snapshots.
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
    private final Ticker ticker;
    private final Scheduler scheduler;
    private final Duration window;
    private final long windowNanos;
    private final int alertAt;
    private final TopKeys top;
    private final KeyTable keys;
    private final KeyQueues queues;

    private volatile boolean closed;
    private volatile Scheduler.Cancellable housekeeping;

    DefaultHotSpotLimiter(HotSpotSettings settings, WindowStore store, String namespace, Ticker ticker,
                          Scheduler scheduler, HotSpotListener listener) {
        requireNonNull(listener, "listener");
        this.settings = requireNonNull(settings, "settings");
        this.store = requireNonNull(store, "store");
        requireNonNull(namespace, "namespace");
        this.ticker = requireNonNull(ticker, "ticker");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.window = settings.window();
        this.windowNanos = window.toNanos();
        this.alertAt = settings.alertAt();
        this.top = new TopKeys(settings.topKeys(), TimeUnit.MINUTES.toNanos(1));
        this.keys = new KeyTable(settings.maxKeys(), settings.limit(), windowNanos);
        this.queues = new KeyQueues(settings, store, namespace, ticker, scheduler, top, listener);
        scheduleHousekeeping();
    }

    @Override
    public HotSpotSettings settings() {
        return settings;
    }

    @Override
    public CompletableFuture<Permit> acquire(String key) {
        requireNonNull(key, "key");
        queues.requests.increment();
        CompletableFuture<Permit> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(new ClosedException("hot-spot limiter"));
            return f;
        }
        long now = ticker.read();
        while (true) {
            KeyState ks = keys.stateFor(key, now);
            if (ks == null) {
                queues.direct(key, f, now);
                return f;
            }
            if (queues.enter(ks, f, now)) {
                return f;
            }
            // the state was removed as idle meanwhile: look the key up again
        }
    }

    /** Removes idle key states; returns how many. */
    int sweep(long now, boolean onDemand) {
        return keys.sweep(now, onDemand);
    }

    private void scheduleHousekeeping() {
        if (closed) {
            return;
        }
        long every = Math.min(TimeUnit.SECONDS.toNanos(60), Math.max(TimeUnit.SECONDS.toNanos(1), windowNanos));
        housekeeping = scheduler.schedule(() -> {
            long now = ticker.read();
            try {
                keys.sweep(now, false);
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
        for (KeyState ks : keys.states()) {
            OptionalInt c = store.peekCount(queues.storeKey(ks.key), window, now);
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
            view.add(usage(r, now));
        }
        long rq = queues.rejectedQueueFull.sum();
        long rw = queues.rejectedWaitTooLong.sum();
        long rt = queues.rejectedTimeout.sum();
        long rk = queues.rejectedKeysExhausted.sum();
        return new HotSpotSnapshot(queues.requests.sum(), queues.granted.sum(), rq + rw + rt + rk, rq, rw, rt, rk,
                queues.queued.get(), queues.inFlight.get(), queues.alerts.sum(), alerting, keys.size(),
                callsInWindow, view);
    }

    /** One of the top keys, with its window and queue as they are now. */
    private KeyUsage usage(TopKeys.Ranked r, long now) {
        KeyState ks = keys.get(r.key());
        int inWindow;
        int depth = 0;
        long rejected = 0;
        OptionalInt c = store.peekCount(queues.storeKey(r.key()), window, now);
        if (ks != null) {
            synchronized (ks) {
                inWindow = c.orElse(ks.lastCount);
                depth = ks.queue.size();
                rejected = ks.rejected;
            }
        } else {
            inWindow = c.orElse(0);
        }
        boolean alert = inWindow >= alertAt;
        return new KeyUsage(r.key(), r.rate(), r.error(), inWindow, settings.limit(),
                100.0 * inWindow / settings.limit(), depth, rejected, alert);
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
        return keys.size();
    }

    /** Sketch counters held now (for tests: the memory bound). */
    int sketchSize() {
        return top.size();
    }

    @Override
    public void close() {
        closed = true;
        queues.close();
        Scheduler.Cancellable h = housekeeping;
        if (h != null) {
            h.cancel();
        }
        for (KeyState ks : keys.states()) {
            queues.drain(ks);
        }
    }
}
