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
package dev.levee.core.events;

import dev.levee.core.internal.ListenerGuard;
import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * The queue circuit and the priority rules of {@link Thresholds}.
 *
 * <p>Implementation notes (in the style of Resilience4j's CircuitBreakerStateMachine): the state is an immutable
 * {@link Phase} behind one {@link AtomicReference}. {@link #evaluate} computes the next phase from the depth and
 * the time and installs it with a CAS, so concurrent callers agree on one history and each transition is recorded
 * exactly once (by the thread whose CAS won). Phases only change on a depth observation; the HALF_OPEN -> CLOSED
 * rule depends on time passing, so when a stable stretch starts a check is scheduled for its end (one pending at
 * most; a check that finds the stretch restarted re-arms for the remainder, and one that finds the depth above
 * recovery re-arms one stable period later, so a check is pending for as long as the circuit is HALF_OPEN). The
 * common path (no transition) is two volatile reads and no allocation.
 */
final class QueueCircuit {
    private static final long NOT_STABLE = Long.MIN_VALUE;
    static final int HISTORY = 50;

    sealed interface Phase permits Closed, Open, HalfOpen {
        CircuitState state();

        long sinceNanos();

        long sinceEpochMillis();
    }

    record Closed(long sinceNanos, long sinceEpochMillis) implements Phase {
        @Override
        public CircuitState state() {
            return CircuitState.CLOSED;
        }
    }

    record Open(long sinceNanos, long sinceEpochMillis) implements Phase {
        @Override
        public CircuitState state() {
            return CircuitState.OPEN;
        }
    }

    /** {@code stableSinceNanos}: when depth last went <= recovery, or NOT_STABLE while above it. */
    record HalfOpen(long sinceNanos, long sinceEpochMillis, long stableSinceNanos) implements Phase {
        @Override
        public CircuitState state() {
            return CircuitState.HALF_OPEN;
        }
    }

    private final Thresholds t;
    private final EventPipelineListener listener;
    private final ListenerGuard guard;
    private final int lowDropAt;
    private final int reopenAbove;
    private final long stableNanos;
    private final Ticker ticker;
    private final Scheduler scheduler;
    private final IntSupplier depth;
    private final AtomicReference<Phase> phase;
    private final AtomicBoolean aboveWarning = new AtomicBoolean();
    private final AtomicBoolean checkPending = new AtomicBoolean();
    private final ArrayDeque<CircuitTransition> history = new ArrayDeque<>();

    QueueCircuit(Thresholds thresholds, Ticker ticker, Scheduler scheduler, IntSupplier depth) {
        this(thresholds, ticker, scheduler, depth, EventPipelineListener.logging(), new ListenerGuard("event pipeline"));
    }

    QueueCircuit(Thresholds thresholds, Ticker ticker, Scheduler scheduler, IntSupplier depth,
                 EventPipelineListener listener, ListenerGuard guard) {
        this.listener = listener;
        this.guard = guard;
        this.t = thresholds;
        this.lowDropAt = thresholds.lowPriorityDropAt();
        this.reopenAbove = thresholds.reopenAbove();
        this.stableNanos = thresholds.stablePeriod().toNanos();
        this.ticker = ticker;
        this.scheduler = scheduler;
        this.depth = depth;
        this.phase = new AtomicReference<>(new Closed(ticker.read(), ticker.epochMillis()));
    }

    /** The reason {@code priority} is refused at {@code depth}, or null to accept. Evaluates transitions first. */
    @Nullable RejectReason decide(int priority, int depth) {
        Phase p = evaluate(depth);
        return switch (p.state()) {
            case CLOSED -> priority >= Event.LOW_PRIORITY && depth >= lowDropAt ? RejectReason.LOW_PRIORITY_SHED : null;
            case HALF_OPEN -> priority > Event.NORMAL_PRIORITY ? RejectReason.CIRCUIT_HALF_OPEN : null;
            case OPEN -> priority <= Event.CRITICAL_PRIORITY ? null : RejectReason.CIRCUIT_OPEN;
        };
    }

    /** Applies every transition {@code depth} (observed now) calls for; returns the resulting phase. */
    Phase evaluate(int depth) {
        return evaluate(depth, false);
    }

    /** {@code requested}: the evaluation is part of an operator's reset, and so are the transitions it makes. */
    private Phase evaluate(int depth, boolean requested) {
        checkWarning(depth);
        long now = ticker.read();
        Phase cur = requireNonNull(phase.get(), "phase"); // never set to null
        while (true) {
            Phase next = next(cur, depth, now);
            if (next == cur) {
                return cur;
            }
            if (phase.compareAndSet(cur, next)) {
                if (next.state() != cur.state()) {
                    record(cur.state(), next.state(), depth, reason(cur, next), requested);
                }
                if (next instanceof HalfOpen h && h.stableSinceNanos != NOT_STABLE
                        && !(cur instanceof HalfOpen c && c.stableSinceNanos == h.stableSinceNanos)) {
                    scheduleStableCheck(stableNanos);
                }
                cur = next;
            } else {
                cur = phase.get();
            }
        }
    }

    /**
     * At most one check is pending: a depth flapping around recovery would otherwise arm a timer per flap. A check
     * that fires before the current stable stretch has lasted long enough re-arms itself for the remainder.
     */
    private void scheduleStableCheck(long delayNanos) {
        if (checkPending.compareAndSet(false, true)) {
            scheduler.schedule(this::stableCheck, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void stableCheck() {
        checkPending.set(false);
        evaluate(depth.getAsInt());
        // While HALF_OPEN a check stays armed: at the end of the stable stretch, or one stable period from now while
        // the depth is above recovery. So no interleaving of depth observations can leave the circuit HALF_OPEN
        // with nothing left to close it, and a depth that fell without a local observation (the shared Redis queue
        // drained by other instances) is still seen.
        if (phase.get() instanceof HalfOpen) {
            long remaining = stableRemainingNanos();
            scheduleStableCheck(remaining >= 0 ? Math.max(1, remaining) : stableNanos);
        }
    }

    private Phase next(Phase cur, int depth, long now) {
        return switch (cur) {
            case Closed c -> depth >= t.critical() ? new Open(now, ticker.epochMillis()) : c;
            case Open o -> depth <= t.recovery() ? new HalfOpen(now, ticker.epochMillis(), now) : o;
            case HalfOpen h -> {
                if (depth > reopenAbove) {
                    yield new Open(now, ticker.epochMillis());
                }
                if (depth > t.recovery()) {
                    yield h.stableSinceNanos == NOT_STABLE ? h : new HalfOpen(h.sinceNanos, h.sinceEpochMillis, NOT_STABLE);
                }
                if (h.stableSinceNanos == NOT_STABLE) {
                    yield new HalfOpen(h.sinceNanos, h.sinceEpochMillis, now);
                }
                yield now - h.stableSinceNanos >= stableNanos ? new Closed(now, ticker.epochMillis()) : h;
            }
        };
    }

    private String reason(Phase from, Phase to) {
        return switch (to.state()) {
            case OPEN -> from.state() == CircuitState.CLOSED
                    ? "depth reached critical " + t.critical()
                    : "depth passed 0.6 x critical " + reopenAbove;
            case HALF_OPEN -> "depth fell to recovery " + t.recovery();
            case CLOSED -> "depth stayed <= recovery " + t.recovery() + " for " + t.stablePeriod().toMillis() + " ms";
        };
    }

    private void record(CircuitState from, CircuitState to, int depth, String reason, boolean requested) {
        CircuitTransition tr = new CircuitTransition(from, to, ticker.epochMillis(), depth, reason);
        synchronized (history) {
            if (history.size() >= HISTORY) {
                history.pollFirst();
            }
            history.addLast(tr);
        }
        guard.call(() -> listener.onCircuitTransition(tr, requested));
    }

    private void checkWarning(int depth) {
        if (depth >= t.warning()) {
            if (!aboveWarning.get() && aboveWarning.compareAndSet(false, true)) {
                guard.call(() -> listener.onWarningThreshold(depth, t, true));
            }
        } else if (aboveWarning.get() && aboveWarning.compareAndSet(true, false)) {
            guard.call(() -> listener.onWarningThreshold(depth, t, false));
        }
    }

    /** Forces CLOSED (an operator's reset), recorded as a transition, then re-evaluates the current depth. */
    void reset() {
        Phase cur = phase.getAndSet(new Closed(ticker.read(), ticker.epochMillis()));
        int d = depth.getAsInt();
        if (cur.state() != CircuitState.CLOSED) {
            record(cur.state(), CircuitState.CLOSED, d, "manual reset", true);
        }
        evaluate(d, true); // a queue still at critical depth opens again now: the operator's doing, not an alarm
    }

    Phase phase() {
        return requireNonNull(phase.get(), "phase");
    }

    boolean aboveWarning() {
        return aboveWarning.get();
    }

    List<CircuitTransition> transitions() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /** The time until a HALF_OPEN stable stretch ends, or -1 when none is running. */
    long stableRemainingNanos() {
        if (phase.get() instanceof HalfOpen h && h.stableSinceNanos != NOT_STABLE) {
            return Math.max(0, h.stableSinceNanos + stableNanos - ticker.read());
        }
        return -1;
    }
}
