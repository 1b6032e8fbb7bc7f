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

import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import static dev.levee.core.internal.Arguments.A_SCHEDULER;
import static dev.levee.core.internal.Arguments.atLeast;
import static dev.levee.core.internal.Arguments.fraction;
import static dev.levee.core.internal.Arguments.nonNegative;
import static dev.levee.core.internal.Arguments.positive;
import static dev.levee.core.internal.Arguments.required;
import static java.util.Objects.requireNonNull;

/**
 * Limits upstream calls per key (a fixture id) with an exact sliding window: at most {@code limit} calls in any
 * interval of length {@code window}. Callers over the limit wait in a bounded FIFO queue per key and are granted a
 * {@link Permit} when a slot frees (a scheduled task wakes them, no polling thread); a caller that cannot be
 * served within its max wait is rejected at once with the real time until a slot frees.
 *
 * <pre>{@code
 * HotSpotLimiter limiter = HotSpotLimiter.builder()
 *         .limit(50).window(Duration.ofSeconds(60))      // required: the upstream's quota per key
 *         .queueCapacity(100).maxWait(Duration.ofSeconds(30))
 *         .scheduler(Scheduler.system("hot-spot"))       // required: wakes waiters
 *         .build();
 * // asynchronous
 * limiter.acquire("fixture-42").thenCompose(permit -> callUpstream().whenComplete((r, e) -> permit.release()));
 * // blocking, on a virtual thread
 * Odds odds = limiter.call("fixture-42", () -> client.fetchOdds(42));
 * }</pre>
 */
public interface HotSpotLimiter extends AutoCloseable {

    /**
     * A permit for one call on {@code key}, or a future failed with {@link HotSpotRejectedException}. Cancelling
     * the returned future while it waits leaves the queue; a permit granted to a cancelled waiter is refunded.
     * The future may complete on the thread that ended another call or on the scheduler's thread: hop to your own
     * executor before doing real work.
     */
    CompletableFuture<Permit> acquire(String key);

    /**
     * Blocking convenience for virtual-thread code: waits for a permit on {@code key} (at most max wait), runs
     * {@code work} on the calling thread and ends the permit when it returns. The permit is
     * {@linkplain Permit#release() released} both when {@code work} returns and when it throws: an exception does
     * not tell whether the call reached the upstream, and refunding a call that did would let the key exceed its
     * limit. Code that knows nothing was sent uses {@link #acquire} and {@link Permit#refund()} instead.
     *
     * <p>A rejection is thrown as is ({@link HotSpotRejectedException}), as is a failure of the window store. If
     * the thread is interrupted while it waits, the wait is given up (a permit granted meanwhile is refunded),
     * the interrupt flag is set again and a {@link CancellationException} is thrown; {@code work} does not run.
     * Do not call it on an event-loop thread.
     */
    default <T> T call(String key, Supplier<? extends T> work) {
        requireNonNull(key, "key");
        requireNonNull(work, "work");
        CompletableFuture<Permit> slot = acquire(key);
        Permit permit;
        try {
            permit = slot.get();
        } catch (InterruptedException e) {
            slot.cancel(false); // leaves the queue; a permit granted in the meantime is refunded by the limiter
            if (!slot.isCompletedExceptionally()) {
                slot.join().refund(); // granted before the cancel could take effect: the call was never sent
            }
            Thread.currentThread().interrupt();
            CancellationException c = new CancellationException("interrupted while waiting for a slot of " + key);
            c.initCause(e);
            throw c;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new CompletionException(cause);
        }
        try (permit) {
            return work.get();
        }
    }

    /** Current figures and the top {@code n} keys by calls per minute. */
    HotSpotSnapshot snapshot(int n);

    HotSpotSettings settings();

    /** Fails every waiter and stops housekeeping. */
    @Override
    void close();

    static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link HotSpotLimiter}. {@link #limit(int)}, {@link #window(Duration)} and
     * {@link #scheduler(Scheduler)} are required; a missing one fails {@link #build()} with an
     * {@link IllegalStateException} naming it.
     */
    final class Builder {
        private Integer limit;
        private Duration window;
        private int queueCapacity = 100;
        private Duration maxWait = Duration.ofSeconds(30);
        private int maxKeys = HotSpotSettings.DEFAULT_MAX_KEYS;
        private double alertThreshold = HotSpotSettings.DEFAULT_ALERT_THRESHOLD;
        private int topKeys = HotSpotSettings.DEFAULT_TOP_KEYS;
        private WindowStore store;
        private String namespace = "";
        private Ticker ticker = Ticker.system();
        private Scheduler scheduler;
        private HotSpotListener listener = HotSpotListener.logging();

        private Builder() {}

        /** Required: at most this many calls per key in any interval of length {@code window} (> 0). */
        public Builder limit(int limit) {
            this.limit = positive("limit", limit);
            return this;
        }

        /** Required: the sliding window (> 0). */
        public Builder window(Duration window) {
            this.window = positive("window", window);
            return this;
        }

        /** Callers that may wait per key for a slot (default 100; 0: a full window rejects at once). */
        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = nonNegative("queueCapacity", queueCapacity);
            return this;
        }

        /** Longest wait for a slot (default 30 s); a caller whose estimated wait is longer is rejected at once. */
        public Builder maxWait(Duration maxWait) {
            this.maxWait = nonNegative("maxWait", maxWait);
            return this;
        }

        /** Keys with per-key state at most (default 10,000); also the capacity of the default store. */
        public Builder maxKeys(int maxKeys) {
            this.maxKeys = positive("maxKeys", maxKeys);
            return this;
        }

        /** Fraction of the limit at which a key is "near its limit" (default 0.8). */
        public Builder alertThreshold(double alertThreshold) {
            this.alertThreshold = fraction("alertThreshold", alertThreshold);
            return this;
        }

        /** Counters of the heavy-hitter sketch behind {@link HotSpotLimiter#snapshot} (default 256, >= 10). */
        public Builder topKeys(int topKeys) {
            this.topKeys = atLeast("topKeys", topKeys, 10);
            return this;
        }

        /**
         * Where the windows live (default: {@link WindowStore#inMemory} with {@link #maxKeys(int)} keys, owned by
         * this limiter alone). A shared store (Redis) makes several instances one limit; the limiter does not
         * close it.
         */
        public Builder store(WindowStore store) {
            this.store = requireNonNull(store, "store");
            return this;
        }

        /** Prefix of the store keys, so several limiters can share one store (default: none). */
        public Builder namespace(String namespace) {
            this.namespace = requireNonNull(namespace, "namespace");
            return this;
        }

        public Builder ticker(Ticker ticker) {
            this.ticker = requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Required: wakes waiters when a slot frees and at their deadline, on the ticker's time (pass a
         * {@code ManualTicker} as both in tests).
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Told of rejections and alerts (default: {@link HotSpotListener#logging()}, which logs alerts at WARN; to
         * keep that line and add your own handling, call {@code HotSpotListener.logging()} from yours).
         */
        public Builder listener(HotSpotListener listener) {
            this.listener = requireNonNull(listener, "listener");
            return this;
        }

        public HotSpotLimiter build() {
            required("limit", limit, "the upstream's calls per key per window, e.g. limit(50)");
            required("window", window, "the upstream's quota window, e.g. window(Duration.ofSeconds(60))");
            required("scheduler", scheduler, A_SCHEDULER);
            HotSpotSettings settings = new HotSpotSettings(limit, window, queueCapacity, maxWait, maxKeys,
                    alertThreshold, topKeys);
            return new DefaultHotSpotLimiter(settings, store != null ? store : WindowStore.inMemory(maxKeys),
                    namespace, ticker, scheduler, listener);
        }
    }
}
