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
package dev.levee.core.coalesce;

import dev.levee.core.internal.ListenerGuard;
import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The in-memory {@link RequestCoalescer}.
 *
 * <p>Implementation notes:
 * <ul>
 *   <li>A {@link Flight} is the in-flight entry of one key. Its waiter count and {@code closed} flag are guarded by
 *       the flight's own monitor, so joining never contends across keys. The map itself is only touched with
 *       {@code putIfAbsent} and {@code remove(key, flight)}, so a stale flight can never remove its successor.</li>
 *   <li>Completion first closes the flight (no caller can join it any more), then removes it from the map, then
 *       completes the shared future. A caller that finds a closed flight still in the map removes it itself and
 *       retries, so it starts the next generation rather than receiving a result it did not wait for. Hence at
 *       most one fetch per key runs at any time, and the entry is gone before any waiter is woken.</li>
 *   <li>Every caller gets its own future, completed from the shared one. Its deadline and its cancellation act on
 *       that future only; the shared future is never exposed, so nothing a caller does can cancel the fetch.</li>
 *   <li>The total waiter bound is reserved with a CAS loop before joining, so it is never exceeded even briefly;
 *       a caller's slots (total and per key) are released exactly once, when its own future completes.</li>
 *   <li>Statistics are lifetime {@link LongAdder}s; a reset records a baseline that period figures subtract, so the
 *       lifetime figures stay monotonic for metrics.</li>
 * </ul>
 */
final class LocalRequestCoalescer<K, V> implements RequestCoalescer<K, V> {

    private static final int FULL = -1;
    private static final int CLOSED = -2;

    private final Duration maxWait;
    private final long maxWaitNanos;
    private final int maxWaitersPerKey;
    private final int maxWaiters;
    private final Ticker ticker;
    private final Scheduler scheduler;
    private final FlightCoordinator<K, V> coordinator;
    private final CoalescerListener listener;
    private final ListenerGuard guard = new ListenerGuard("coalescer");

    private final ConcurrentHashMap<K, Flight<V>> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger waiters = new AtomicInteger();

    private final LongAdder total = new LongAdder();
    private final LongAdder coalesced = new LongAdder();
    private final LongAdder made = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder cancellations = new LongAdder();
    private final LongAdder overflows = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder waitNanos = new LongAdder();
    private final LongAdder finished = new LongAdder();
    private final AtomicInteger lifetimePeak = new AtomicInteger();
    private final AtomicInteger periodPeak = new AtomicInteger();
    private volatile long[] baseline = new long[9];

    LocalRequestCoalescer(Builder<K, V> b) {
        this.maxWait = b.maxWait;
        this.maxWaitNanos = b.maxWait.toNanos();
        this.maxWaitersPerKey = b.maxWaitersPerKey;
        this.maxWaiters = b.maxWaiters;
        this.ticker = b.ticker;
        this.scheduler = requireNonNull(b.scheduler, "scheduler"); // build() checked it
        this.coordinator = b.coordinator;
        this.listener = b.listener;
    }

    /** The in-flight entry of one key: the shared outcome and who is waiting for it. */
    private static final class Flight<V> {
        final CompletableFuture<V> shared = new CompletableFuture<>();
        private int waiters;
        private boolean closed;

        Flight(int initialWaiters) {
            this.waiters = initialWaiters;
        }

        /** New waiter count, or FULL / CLOSED. */
        synchronized int tryJoin(int max) {
            if (closed) {
                return CLOSED;
            }
            if (waiters >= max) {
                return FULL;
            }
            return ++waiters;
        }

        synchronized void leave() {
            waiters--;
        }

        synchronized void close() {
            closed = true;
        }
    }

    @Override
    public Call<V> join(K key, Supplier<? extends CompletionStage<V>> fetch) {
        requireNonNull(key, "key");
        requireNonNull(fetch, "fetch");
        total.increment();
        if (!reserveWaiterSlot()) {
            return new Call<>(false, CompletableFuture.failedFuture(overflow(key, false, maxWaiters)));
        }
        while (true) {
            Flight<V> flight = inFlight.get(key);
            if (flight == null) {
                Flight<V> mine = new Flight<>(1);
                flight = inFlight.putIfAbsent(key, mine);
                if (flight == null) {
                    made.increment();
                    recordPeak(1);
                    CompletableFuture<V> result = attach(key, mine);
                    launch(key, mine, fetch);
                    return new Call<>(true, result);
                }
            }
            int n = flight.tryJoin(maxWaitersPerKey);
            if (n > 0) {
                coalesced.increment();
                recordPeak(n);
                return new Call<>(false, attach(key, flight));
            }
            if (n == FULL) {
                waiters.decrementAndGet();
                return new Call<>(false, CompletableFuture.failedFuture(overflow(key, true, maxWaitersPerKey)));
            }
            // CLOSED: its completion is removing it right now; help, then start or join the next generation
            inFlight.remove(key, flight);
        }
    }

    private CoalescerOverflowException overflow(K key, boolean perKey, int bound) {
        overflows.increment();
        CoalescerOverflowException e = new CoalescerOverflowException(key, perKey, bound);
        guard.call(() -> listener.onOverflow(e));
        return e;
    }

    private boolean reserveWaiterSlot() {
        while (true) {
            int now = waiters.get();
            if (now >= maxWaiters) {
                return false;
            }
            if (waiters.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    private void recordPeak(int n) {
        lifetimePeak.accumulateAndGet(n, Math::max);
        periodPeak.accumulateAndGet(n, Math::max);
    }

    private CompletableFuture<V> attach(K key, Flight<V> flight) {
        long start = ticker.read();
        CompletableFuture<V> mine = new CompletableFuture<>();
        Scheduler.Cancellable scheduled;
        try {
            scheduled = scheduler.schedule(() -> {
                CoalescerTimeoutException e = new CoalescerTimeoutException(key, maxWait);
                if (mine.completeExceptionally(e)) {
                    timeouts.increment();
                    guard.call(() -> listener.onTimeout(e));
                }
            }, maxWaitNanos, TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            // no deadline possible (scheduler shut down): fail this caller now rather than let it wait unbounded;
            // attach must not throw, or a leader's flight would never be launched and the key would stay stuck
            scheduled = () -> false;
            mine.completeExceptionally(e);
        }
        Scheduler.Cancellable timer = scheduled;
        mine.whenComplete((v, e) -> {
            timer.cancel();
            flight.leave();
            waiters.decrementAndGet();
            waitNanos.add(Math.max(0, ticker.read() - start));
            finished.increment();
            if (e instanceof CancellationException) {
                cancellations.increment();
            }
        });
        flight.shared.whenComplete((v, e) -> {
            if (e == null) {
                mine.complete(v);
            } else {
                mine.completeExceptionally(e);
            }
        });
        return mine;
    }

    private void launch(K key, Flight<V> flight, Supplier<? extends CompletionStage<V>> fetch) {
        CompletionStage<V> stage;
        try {
            stage = coordinator.run(key, fetch);
            if (stage == null) {
                stage = CompletableFuture.failedFuture(new NullPointerException("fetch returned null"));
            }
        } catch (Throwable t) { // a fetch that throws instead of failing its stage must still end the flight
            stage = CompletableFuture.failedFuture(t);
        }
        stage.whenComplete((v, e) -> {
            flight.close();
            inFlight.remove(key, flight);
            if (e == null) {
                flight.shared.complete(v);
            } else {
                errors.increment();
                flight.shared.completeExceptionally(unwrap(e));
            }
        });
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    @Override
    public boolean inFlight(K key) {
        return inFlight.containsKey(key);
    }

    private long[] counters() {
        return new long[] {total.sum(), coalesced.sum(), made.sum(), timeouts.sum(), cancellations.sum(),
                overflows.sum(), errors.sum(), waitNanos.sum(), finished.sum()};
    }

    @Override
    public CoalescerStats stats() {
        long[] now = counters();
        long[] base = baseline;
        for (int i = 0; i < now.length; i++) {
            now[i] -= base[i];
        }
        return snapshot(now, periodPeak.get());
    }

    @Override
    public CoalescerStats lifetimeStats() {
        return snapshot(counters(), lifetimePeak.get());
    }

    private CoalescerStats snapshot(long[] c, int peak) {
        long tot = c[0];
        long coal = c[1];
        double hitRate = tot == 0 ? 0 : Math.round(coal * 10_000.0 / tot) / 100.0;
        double avgWaitMs = c[8] == 0 ? 0 : Math.round(c[7] / (double) c[8] / 1_000.0) / 1_000.0;
        int current = waiters.get();
        return new CoalescerStats(tot, coal, c[2], coal, hitRate, avgWaitMs, peak, inFlight.size(), current,
                c[3], c[4], c[5], c[6], maxWaiters,
                CoalescerStats.statusOf(current, maxWaiters, tot, c[3], c[5]));
    }

    @Override
    public synchronized void resetStats() {
        baseline = counters();
        periodPeak.set(0);
    }
}
