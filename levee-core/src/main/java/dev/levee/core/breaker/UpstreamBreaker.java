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
package dev.levee.core.breaker;

import dev.levee.core.internal.Blocking;
import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

import static dev.levee.core.internal.Arguments.A_SCHEDULER;
import static dev.levee.core.internal.Arguments.inRange;
import static dev.levee.core.internal.Arguments.positive;
import static dev.levee.core.internal.Arguments.required;
import static java.util.Objects.requireNonNull;

/**
 * A circuit breaker in front of an upstream, on Resilience4j, reading time from our {@link Ticker}.
 * <ul>
 *   <li>records one outcome per call made through {@link #execute} (put it under the coalescer: one upstream
 *       call, one outcome, however many callers share it);</li>
 *   <li>opens when, over a count-based window of {@code windowSize} calls (at least {@code minimumCalls}), the
 *       failure rate or the slow-call rate reaches its threshold;</li>
 *   <li>a call counts as slow the moment it has run for {@code slowCallDuration} (a timer on the
 *       {@link Scheduler}), not when it ends: calls to a hung upstream end only at its timeout, and the breaker
 *       must open before that;</li>
 *   <li>a {@link Verdict.Kind#RATE_LIMITED} answer (an upstream 429) opens it for that answer's Retry-After;</li>
 *   <li>while open, calls fail at once with {@link BreakerOpenException} carrying the time left;</li>
 *   <li>after the open time, exactly {@code halfOpenProbes} calls pass; if their failure and slow rates are below
 *       the thresholds it closes, otherwise it opens again.</li>
 * </ul>
 */
public interface UpstreamBreaker {

    /**
     * Runs {@code call} if the breaker permits, and records its outcome: an exception or failed stage is a failure,
     * otherwise {@code classify} decides. The returned future carries the call's own result or error unchanged (a
     * {@code FAILURE} verdict still hands the answer back); a refused call fails with {@link BreakerOpenException}.
     */
    <T> CompletableFuture<T> execute(Supplier<? extends CompletionStage<T>> call,
                                     Function<? super T, Verdict> classify);

    /**
     * Blocking convenience for virtual-thread code: runs {@code call} on this thread if the breaker permits and
     * records its outcome as {@link #execute} does (a thrown RuntimeException is a failure, otherwise
     * {@code classify} decides), then returns the call's value. A refusal is thrown as is
     * ({@link BreakerOpenException}), and so is the call's own RuntimeException.
     */
    default <T> T call(Supplier<? extends T> call, Function<? super T, Verdict> classify) {
        requireNonNull(call, "call");
        requireNonNull(classify, "classify");
        return Blocking.await(execute(() -> Blocking.stage(call), classify), "the breaker " + name());
    }

    BreakerState state();

    BreakerStats stats();

    String name();

    static Builder builder(String name) {
        return new Builder(name);
    }

    final class Builder {
        final String name;
        Ticker ticker = Ticker.system();
        @Nullable Scheduler scheduler;
        Predicate<? super Throwable> ignoredErrors = e -> false;
        int failureRateThreshold = 50;
        int slowCallRateThreshold = 80;
        Duration slowCallDuration = Duration.ofSeconds(2);
        int minimumCalls = 20;
        int windowSize = 100;
        Duration openFor = Duration.ofSeconds(10);
        int halfOpenProbes = 3;
        BreakerListener listener = new BreakerListener() {};

        private Builder(String name) {
            this.name = requireNonNull(name, "name");
        }

        public Builder ticker(Ticker ticker) {
            this.ticker = requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Required: fires the slow-call timers, on the ticker's time (pass a {@code ManualTicker} as both in
         * tests). A timer per call, cancelled when the call ends.
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Errors that say nothing about the upstream, such as a local refusal before the request was sent: the
         * call's permission is released and no outcome is recorded (they still reach the caller unchanged).
         */
        public Builder ignoreErrors(Predicate<? super Throwable> ignored) {
            this.ignoredErrors = requireNonNull(ignored, "ignored");
            return this;
        }

        public Builder failureRateThreshold(int percent) {
            this.failureRateThreshold = inRange("failureRateThreshold", percent, 1, 100);
            return this;
        }

        public Builder slowCallRateThreshold(int percent) {
            this.slowCallRateThreshold = inRange("slowCallRateThreshold", percent, 1, 100);
            return this;
        }

        public Builder slowCallDuration(Duration d) {
            this.slowCallDuration = positive("slowCallDuration", d);
            return this;
        }

        public Builder minimumCalls(int n) {
            this.minimumCalls = positive("minimumCalls", n);
            return this;
        }

        public Builder windowSize(int n) {
            this.windowSize = positive("windowSize", n);
            return this;
        }

        public Builder openFor(Duration d) {
            this.openFor = positive("openFor", d);
            return this;
        }

        public Builder halfOpenProbes(int n) {
            this.halfOpenProbes = positive("halfOpenProbes", n);
            return this;
        }

        /** Told of every state change (default: nothing; the breaker logs nothing). */
        public Builder listener(BreakerListener listener) {
            this.listener = requireNonNull(listener, "listener");
            return this;
        }

        public UpstreamBreaker build() {
            required("scheduler", scheduler, A_SCHEDULER);
            return new Resilience4jBreaker(this);
        }
    }
}
