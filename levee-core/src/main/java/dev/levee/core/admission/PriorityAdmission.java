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
package dev.levee.core.admission;

import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

import static dev.levee.core.internal.Arguments.A_SCHEDULER;
import static dev.levee.core.internal.Arguments.positive;
import static dev.levee.core.internal.Arguments.required;
import static java.util.Objects.requireNonNull;

/**
 * Priority admission: a global concurrency limit shared by ordered request classes, each waiting in its own
 * bounded queue.
 * <ul>
 *   <li>A freed permit goes to the oldest waiter of the highest non-empty class (strict priority, FIFO within a
 *       class). The limit is never exceeded.</li>
 *   <li>When an arriving request's class queue is full (or all queues together are), the newest waiter of the
 *       lowest lower class that has waiters is shed ({@link ShedReason#PUSHED_OUT}) and the arrival takes its
 *       place, over its own class's capacity; with no such waiter the arrival is shed
 *       ({@link ShedReason#QUEUE_FULL}). The total of waiters never exceeds the sum of the capacities.</li>
 *   <li>A waiter that waits longer than its max wait is shed ({@link ShedReason#TIMEOUT}).</li>
 *   <li>Waiters are futures, not threads: a queued request costs one small object.</li>
 * </ul>
 * The future of {@link #acquire} completes with a {@link Permit}, or exceptionally with an
 * {@link AdmissionRejectedException}. Cancelling it gives up the place in the queue; if the permit was being
 * granted at that moment, it is returned and passed on, so cancelling never leaks a permit. Futures may
 * complete on the thread that released a permit or on the scheduler's thread: hop to your own executor before
 * doing real work.
 */
public interface PriorityAdmission {

    /** Waits with the default max wait. {@code admissionClass} must be one of {@link #classes()}. */
    CompletableFuture<Permit> acquire(String admissionClass);

    /** Waits at most {@code maxWait} (> 0) in the queue. */
    CompletableFuture<Permit> acquire(String admissionClass, Duration maxWait);

    /** The class names, highest priority first. */
    List<String> classes();

    /** The concurrency limit now (with an adaptive limit, it changes over time). */
    int maxConcurrent();

    /**
     * Changes a static concurrency limit (a config reload): a raise grants as many waiters as it makes room for,
     * at once, in priority order; a cut revokes no permit, it grants nothing until enough in-flight ones are
     * released. No waiter is dropped either way. Refused ({@link IllegalStateException}) with an adaptive limit.
     */
    void setMaxConcurrent(int maxConcurrent);

    /**
     * Changes the queue capacity of {@code admissionClass} (a config reload). Waiters already queued beyond a
     * lowered capacity stay queued (none is dropped); arrivals meet the new capacity, so until the queue drains
     * below it the total of waiters may exceed the sum of the capacities.
     */
    void setQueueCapacity(String admissionClass, int queueCapacity);

    /** A consistent snapshot of every figure. */
    AdmissionStats stats();

    static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link PriorityAdmission}. Classes are added highest priority first; at least one is required (a
     * library has no business guessing the caller's classes), and so is a {@link #scheduler}.
     */
    final class Builder {
        private final Map<String, Integer> classes = new LinkedHashMap<>();
        private int maxConcurrent = 500;
        private boolean maxConcurrentSet;
        private @Nullable AdaptiveLimit adaptiveLimit;
        private int defaultQueueCapacity = 1000;
        private Duration maxWait = Duration.ofSeconds(30);
        private @Nullable Duration fixedRetryAfter;
        private Duration retryAfterMax = Duration.ofSeconds(30);
        private Ticker ticker = Ticker.system();
        private @Nullable Scheduler scheduler;
        private AdmissionListener listener = new AdmissionListener() {};

        Builder() {}

        /** Adds a class below those added before, with the default queue capacity. */
        public Builder addClass(String name) {
            return addClass(name, -1);
        }

        /** Adds a class below those added before, with its own queue capacity (> 0). */
        public Builder addClass(String name, int queueCapacity) {
            requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("class name: '" + name + "' (expected: not blank)");
            }
            if (queueCapacity == 0 || queueCapacity < -1) {
                throw new IllegalArgumentException("queueCapacity of " + name + ": " + queueCapacity
                        + " (expected: > 0)");
            }
            if (classes.putIfAbsent(name, queueCapacity) != null) {
                throw new IllegalArgumentException("class name: " + name + " (expected: added once)");
            }
            return this;
        }

        /** A static concurrency limit (default 500); or use {@link #adaptiveLimit}, not both. */
        public Builder maxConcurrent(int maxConcurrent) {
            this.maxConcurrent = positive("maxConcurrent", maxConcurrent);
            this.maxConcurrentSet = true;
            return this;
        }

        /**
         * A limit that finds the backend's capacity by itself instead of a static {@link #maxConcurrent} (not
         * both). Strict priority and push-out work as with a static limit; release permits of requests that did
         * not reach the backend with {@link Permit#releaseWithoutSample()}.
         */
        public Builder adaptiveLimit(AdaptiveLimit limit) {
            this.adaptiveLimit = requireNonNull(limit, "limit");
            return this;
        }

        /** Queue capacity of classes added without one. */
        public Builder queueCapacity(int queueCapacity) {
            positive("queueCapacity", queueCapacity);
            this.defaultQueueCapacity = queueCapacity;
            return this;
        }

        /**
         * Default longest time a request may wait in its queue. Until a class's drain rate has been measured, its
         * Retry-After is estimated from this and the queue capacity (see {@link #retryAfterMax}).
         */
        public Builder maxWait(Duration maxWait) {
            this.maxWait = positive("maxWait", maxWait);
            return this;
        }

        /** A fixed Retry-After (rounded up to whole seconds) instead of one computed from the drain rate. */
        public Builder fixedRetryAfter(@Nullable Duration retryAfter) {
            this.fixedRetryAfter = retryAfter == null ? null : positive("retryAfter", retryAfter);
            return this;
        }

        /**
         * Cap of the computed Retry-After (rounded up to whole seconds). The computed value is the request's queue
         * position divided by the class's drain rate: the measured one (dequeues per second over the last ten
         * seconds), or, before anything was measured, the configured one, {@code queueCapacity / maxWait}.
         */
        public Builder retryAfterMax(Duration retryAfterMax) {
            this.retryAfterMax = positive("retryAfterMax", retryAfterMax);
            return this;
        }

        public Builder ticker(Ticker ticker) {
            this.ticker = requireNonNull(ticker, "ticker");
            return this;
        }

        /** Fires max-wait timeouts; required. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Told of every shed request (default: nothing; the admission logs nothing). */
        public Builder listener(AdmissionListener listener) {
            this.listener = requireNonNull(listener, "listener");
            return this;
        }

        public PriorityAdmission build() {
            if (classes.isEmpty()) {
                throw new IllegalStateException("classes: none (expected: at least one addClass)");
            }
            Scheduler checkedScheduler = required("scheduler", scheduler, A_SCHEDULER);
            if (adaptiveLimit != null && maxConcurrentSet) {
                throw new IllegalStateException("maxConcurrent: " + maxConcurrent
                        + " (expected: either maxConcurrent or adaptiveLimit, not both)");
            }
            List<String> names = new ArrayList<>(classes.keySet());
            int[] capacities = new int[names.size()];
            for (int i = 0; i < capacities.length; i++) {
                int c = requireNonNull(classes.get(names.get(i)));
                capacities[i] = c == -1 ? defaultQueueCapacity : c;
            }
            return new DefaultPriorityAdmission(names, capacities, maxConcurrent, adaptiveLimit, maxWait,
                    fixedRetryAfter, retryAfterMax, ticker, checkedScheduler, listener);
        }

    }
}
