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

import dev.levee.core.internal.Blocking;
import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

import static dev.levee.core.internal.Arguments.A_SCHEDULER;
import static dev.levee.core.internal.Arguments.positive;
import static dev.levee.core.internal.Arguments.required;
import static java.util.Objects.requireNonNull;

/**
 * Shares one fetch among concurrent callers of the same key.
 *
 * <ul>
 *   <li>At most one fetch per key is in flight; every caller that arrives while it runs gets the same value or
 *       the same error.</li>
 *   <li>Each caller has its own deadline ({@link Builder#maxWait}); past it only that caller's future fails with
 *       {@link CoalescerTimeoutException}. Timing out or cancelling a caller's future never cancels the shared
 *       fetch, which completes for everyone else (and fills any cache it writes to).</li>
 *   <li>The in-flight entry is removed exactly when the fetch completes: success, failure, or a synchronous
 *       throw from {@code fetch}. A caller arriving afterwards starts a new fetch.</li>
 *   <li>Waiters are bounded per key and in total; a caller over either bound fails at once with
 *       {@link CoalescerOverflowException} and starts nothing.</li>
 * </ul>
 *
 * @param <K> key type (equals/hashCode identify a flight)
 * @param <V> fetched value; handed to every waiter, so it should be immutable
 */
public interface RequestCoalescer<K, V> {

    /** The caller's view of a flight: its own future and whether this call started the fetch. */
    record Call<V>(boolean leader, CompletableFuture<V> result) {
        public Call {
            requireNonNull(result, "result");
        }
    }

    /**
     * Joins the flight for {@code key}, or starts one with {@code fetch}. The returned future is this caller's
     * alone: cancelling it or letting it time out affects nobody else.
     */
    default CompletableFuture<V> getOrFetch(K key, Supplier<? extends CompletionStage<V>> fetch) {
        return join(key, fetch).result();
    }

    /** Like {@link #getOrFetch}, also telling whether this caller leads (started the fetch) or was coalesced. */
    Call<V> join(K key, Supplier<? extends CompletionStage<V>> fetch);

    /**
     * Blocking convenience for virtual-thread code: joins the flight for {@code key}, or leads one that runs
     * {@code loader} (with the local coordinator, on this thread), and waits for the value. This caller's
     * {@linkplain Builder#maxWait max wait} applies as in {@link #getOrFetch}.
     *
     * <p>A refusal is thrown as is ({@link CoalescerOverflowException}, {@link CoalescerTimeoutException}), and so
     * is the loader's own RuntimeException (every caller of the flight gets the same one). If the thread is
     * interrupted while it waits, only its own wait is given up (the flight goes on for the others), the
     * interrupt flag is set again and a {@link java.util.concurrent.CancellationException} is thrown. Do not
     * call it on an event-loop thread.
     */
    default V call(K key, Supplier<? extends V> loader) {
        requireNonNull(key, "key");
        requireNonNull(loader, "loader");
        return Blocking.await(getOrFetch(key, () -> Blocking.stage(loader)), "the flight of " + key);
    }

    /** True while a fetch for {@code key} is in flight. */
    boolean inFlight(K key);

    /** Figures since the last {@link #resetStats()}. */
    CoalescerStats stats();

    /** Figures since creation, never reset: monotonic counters for metrics. */
    CoalescerStats lifetimeStats();

    /** Starts a new statistics period (counters, wait times and peaks); in-flight work is not affected. */
    void resetStats();

    static <K, V> Builder<K, V> builder() {
        return new Builder<>();
    }

    final class Builder<K, V> {
        Duration maxWait = Duration.ofSeconds(5);
        int maxWaitersPerKey = 10_000;
        int maxWaiters = 50_000;
        Ticker ticker = Ticker.system();
        @Nullable Scheduler scheduler;
        FlightCoordinator<K, V> coordinator = FlightCoordinator.local();
        CoalescerListener listener = new CoalescerListener() {};

        private Builder() {}

        /** Each caller's own deadline (default 5 s). */
        public Builder<K, V> maxWait(Duration maxWait) {
            this.maxWait = positive("maxWait", maxWait);
            return this;
        }

        /** Callers sharing one key's flight at once, leader included (default 10,000). */
        public Builder<K, V> maxWaitersPerKey(int maxWaitersPerKey) {
            this.maxWaitersPerKey = positive("maxWaitersPerKey", maxWaitersPerKey);
            return this;
        }

        /** Callers waiting at once over all keys (default 50,000). */
        public Builder<K, V> maxWaiters(int maxWaiters) {
            this.maxWaiters = positive("maxWaiters", maxWaiters);
            return this;
        }

        public Builder<K, V> ticker(Ticker ticker) {
            this.ticker = requireNonNull(ticker, "ticker");
            return this;
        }

        /** Fires the per-caller deadlines (required). */
        public Builder<K, V> scheduler(Scheduler scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** How a leader runs its fetch; the default runs it locally, a Redis one coalesces across instances. */
        public Builder<K, V> coordinator(FlightCoordinator<K, V> coordinator) {
            this.coordinator = requireNonNull(coordinator, "coordinator");
            return this;
        }

        /** Told of every refused caller, overflow or timeout (default: nothing; the coalescer logs nothing). */
        public Builder<K, V> listener(CoalescerListener listener) {
            this.listener = requireNonNull(listener, "listener");
            return this;
        }

        public RequestCoalescer<K, V> build() {
            if (maxWaitersPerKey > maxWaiters) {
                throw new IllegalArgumentException("maxWaitersPerKey: " + maxWaitersPerKey
                        + " (expected: <= maxWaiters " + maxWaiters + ")");
            }
            required("scheduler", scheduler, A_SCHEDULER);
            return new LocalRequestCoalescer<>(this);
        }
    }
}
