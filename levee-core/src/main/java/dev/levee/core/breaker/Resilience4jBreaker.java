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

import dev.levee.core.internal.ListenerGuard;
import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * {@link UpstreamBreaker} on a Resilience4j {@link CircuitBreaker}.
 *
 * <p>Implementation notes:
 * <ul>
 *   <li>Time: Resilience4j reads its {@link Clock} to decide when OPEN may turn HALF_OPEN; we give it a clock on
 *       our ticker and no automatic transition (that would start its own scheduler thread), so OPEN turns
 *       HALF_OPEN lazily, on the first call or state read once the open time is up ({@link #endOpenIfDue}). Call durations are measured on our ticker and
 *       passed to {@code onSuccess/onError}, which decide slow calls.</li>
 *   <li>Slow calls are recorded when they cross the slow-call duration, not when they end: a hung upstream's
 *       calls end only at the upstream timeout, so waiting for them would keep the breaker closed that long while
 *       every new call joins the hang. A timer on our scheduler records a call still running at the threshold as
 *       a slow success (slow-call rate only: it has not failed yet); its completion is then not recorded again.
 *       Whichever comes first, timer or completion, records the call's one outcome.</li>
 *   <li>Ignored errors ({@link UpstreamBreaker.Builder#ignoreErrors}) release the permission unrecorded, like
 *       Resilience4j's ignored exceptions: they say nothing about the upstream.</li>
 *   <li>Rate limiting: Resilience4j's open time is fixed per config, but a 429's Retry-After differs per answer.
 *       We use its FORCED_OPEN state and remember the deadline ourselves; the first call after it moves the
 *       breaker to HALF_OPEN (under a lock, so only one caller does), and probes decide as usual.</li>
 *   <li>Half-open probes: Resilience4j hands out exactly {@code permittedNumberOfCallsInHalfOpenState}
 *       permissions. A permission taken by a call that ends RATE_LIMITED is released before forcing open.</li>
 * </ul>
 */
final class Resilience4jBreaker implements UpstreamBreaker {

    /** Marks an answer the classifier called a failure, so Resilience4j records it as one. */
    static final class FailingAnswer extends RuntimeException {
        FailingAnswer() {
            super("upstream answer classified as failure", null, false, false);
        }
    }

    private final String name;
    private final Ticker ticker;
    private final Scheduler scheduler;
    private final Predicate<? super Throwable> ignored;
    private final Duration openFor;
    private final long slowNanos;
    private final CircuitBreaker cb;
    private final ListenerGuard guard = new ListenerGuard("breaker");

    private volatile long openedAtNanos;
    private volatile long forcedUntilNanos;

    private final LongAdder successes = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder slow = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder opened = new LongAdder();

    Resilience4jBreaker(UpstreamBreaker.Builder b) {
        this.name = b.name;
        this.ticker = b.ticker;
        this.scheduler = requireNonNull(b.scheduler, "scheduler");
        this.ignored = b.ignoredErrors;
        this.openFor = b.openFor;
        this.slowNanos = b.slowCallDuration.toNanos();
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(b.windowSize)
                .minimumNumberOfCalls(Math.min(b.minimumCalls, b.windowSize))
                .failureRateThreshold(b.failureRateThreshold)
                .slowCallRateThreshold(b.slowCallRateThreshold)
                .slowCallDurationThreshold(b.slowCallDuration)
                .waitDurationInOpenState(b.openFor)
                .permittedNumberOfCallsInHalfOpenState(b.halfOpenProbes)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .clock(new TickerClock(ticker))
                .currentTimestampFunction(clock -> ticker.read(), TimeUnit.NANOSECONDS)
                .recordException(e -> true)
                .build();
        this.cb = CircuitBreaker.of(name, config);
        BreakerListener listener = b.listener;
        cb.getEventPublisher().onStateTransition(e -> {
            BreakerState from = observable(e.getStateTransition().getFromState());
            BreakerState observed = observable(e.getStateTransition().getToState());
            if (from != observed) { // OPEN -> FORCED_OPEN (a 429 while open) is no change a caller can see
                guard.call(() -> listener.onStateChange(name, from, observed));
            }
            CircuitBreaker.State to = e.getStateTransition().getToState();
            if (to == CircuitBreaker.State.OPEN || to == CircuitBreaker.State.FORCED_OPEN) {
                openedAtNanos = ticker.read();
                if (e.getStateTransition().getFromState() != CircuitBreaker.State.FORCED_OPEN
                        || to != CircuitBreaker.State.FORCED_OPEN) {
                    opened.increment();
                }
            }
        });
    }

    @Override
    public <T> CompletableFuture<T> execute(Supplier<? extends CompletionStage<T>> call,
                                            Function<? super T, Verdict> classify) {
        endOpenIfDue();
        if (!cb.tryAcquirePermission()) {
            rejected.increment();
            return CompletableFuture.failedFuture(new BreakerOpenException(name, state(), retryAfter()));
        }
        long start = ticker.read();
        AtomicBoolean recorded = new AtomicBoolean(); // the call's one outcome: slow-call timer or completion
        CompletionStage<T> stage;
        try {
            stage = call.get();
            if (stage == null) {
                stage = CompletableFuture.failedFuture(new NullPointerException("call returned null"));
            }
        } catch (Throwable t) {
            stage = CompletableFuture.failedFuture(t);
        }
        Scheduler.Cancellable slowTimer = scheduler.schedule(() -> {
            if (recorded.compareAndSet(false, true)) {
                slow.increment();
                cb.onSuccess(Math.max(slowNanos + 1, ticker.read() - start), TimeUnit.NANOSECONDS);
            }
        }, slowNanos, TimeUnit.NANOSECONDS);
        return stage.handle((v, err) -> {
            slowTimer.cancel();
            long took = Math.max(0, ticker.read() - start);
            boolean record = recorded.compareAndSet(false, true);
            if (record && took > slowNanos) {
                slow.increment();
            }
            if (err != null) {
                Throwable cause = unwrap(err);
                if (ignored.test(cause)) {
                    if (record) {
                        cb.releasePermission();
                    }
                } else {
                    failures.increment();
                    if (record) {
                        cb.onError(took, TimeUnit.NANOSECONDS, cause);
                    }
                }
                throw cause instanceof CompletionException ce ? ce : new CompletionException(cause);
            }
            Verdict verdict;
            try {
                verdict = classify.apply(v);
            } catch (RuntimeException e) {
                verdict = Verdict.FAILURE;
            }
            switch (verdict.kind()) {
                case SUCCESS -> {
                    successes.increment();
                    if (record) {
                        cb.onSuccess(took, TimeUnit.NANOSECONDS);
                    }
                }
                case FAILURE -> {
                    failures.increment();
                    if (record) {
                        cb.onError(took, TimeUnit.NANOSECONDS, new FailingAnswer());
                    }
                }
                case RATE_LIMITED -> {
                    rateLimited.increment();
                    if (record) {
                        cb.releasePermission();
                    }
                    forceOpen(verdict.retryAfter() != null ? verdict.retryAfter() : openFor);
                }
            }
            return v;
        }).toCompletableFuture();
    }

    private synchronized void forceOpen(Duration retryAfter) {
        long until = ticker.read() + retryAfter.toNanos();
        if (cb.getState() != CircuitBreaker.State.FORCED_OPEN || until > forcedUntilNanos) {
            forcedUntilNanos = until;
        }
        if (cb.getState() != CircuitBreaker.State.FORCED_OPEN) {
            cb.transitionToForcedOpenState();
        }
    }

    /**
     * Moves OPEN or FORCED_OPEN to HALF_OPEN once its time is up. Resilience4j would do OPEN itself, but only
     * strictly after the deadline; doing both here keeps the Retry-After we report and the moment probes are
     * admitted the same instant.
     */
    private void endOpenIfDue() {
        if (openTimeLeftNanos() == 0) {
            synchronized (this) {
                if (openTimeLeftNanos() == 0) {
                    cb.transitionToHalfOpenState();
                }
            }
        }
    }

    /** Nanos until probes may pass; 0 when due, -1 when not open at all. */
    private long openTimeLeftNanos() {
        long now = ticker.read();
        return switch (cb.getState()) {
            case FORCED_OPEN -> Math.max(0, forcedUntilNanos - now);
            case OPEN -> Math.max(0, openFor.toNanos() - (now - openedAtNanos));
            default -> -1;
        };
    }

    private Duration retryAfter() {
        long left = openTimeLeftNanos();
        // half-open with every probe out: the probes answer soon
        return left < 0 ? Duration.ofSeconds(1) : Duration.ofNanos(left);
    }

    @Override
    public BreakerState state() {
        endOpenIfDue();
        return observable(cb.getState());
    }

    private static BreakerState observable(CircuitBreaker.State s) {
        return switch (s) {
            case CLOSED, DISABLED, METRICS_ONLY -> BreakerState.CLOSED;
            case HALF_OPEN -> BreakerState.HALF_OPEN;
            case OPEN, FORCED_OPEN -> BreakerState.OPEN;
        };
    }

    @Override
    public BreakerStats stats() {
        BreakerState s = state();
        CircuitBreaker.Metrics m = cb.getMetrics();
        return new BreakerStats(s, m.getFailureRate(), m.getSlowCallRate(), m.getNumberOfBufferedCalls(),
                s == BreakerState.OPEN ? retryAfter().toMillis() : 0, successes.sum(), failures.sum(), slow.sum(),
                rateLimited.sum(), rejected.sum(), opened.sum());
    }

    @Override
    public String name() {
        return name;
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** A {@link Clock} on our ticker's wall time, for Resilience4j's open-state deadline. */
    private static final class TickerClock extends Clock {
        private final Ticker ticker;

        TickerClock(Ticker ticker) {
            this.ticker = ticker;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(ticker.epochMillis());
        }

        @Override
        public long millis() {
            return ticker.epochMillis();
        }
    }
}
