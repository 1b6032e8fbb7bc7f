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

import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * The {@link EventPipeline}: decision, queue and workers.
 *
 * <p>Implementation notes:
 * <ul>
 *   <li>The decision ({@link #submit}) reads the queue depth without a lock, asks the {@link QueueCircuit}
 *       (a CAS only on a transition), then enqueues (the queue's lock enforces the hard capacity). After an
 *       enqueue the circuit is evaluated again, so CLOSED -> OPEN happens at exactly the critical depth.</li>
 *   <li>Workers are not threads: at most {@code workers} deliveries are in flight, started by {@link #pump()},
 *       a work-in-progress loop (as in reactive drain loops) that any thread may enter; only one runs at a time,
 *       and a call that finds it running makes it loop once more, so a freed slot or a newly ready event is never
 *       missed and a sink completing synchronously cannot recurse.</li>
 *   <li>Each attempt ends exactly once (an AtomicBoolean guards the race between the sink's completion and the
 *       delivery timeout): ack, retry later, or dead-letter.</li>
 *   <li>The circuit is re-evaluated whenever depth falls (after every outcome), so OPEN -> HALF_OPEN does not wait
 *       for the next submit.</li>
 *   <li>A {@link EventQueue#blocking() blocking} queue's operations (the whole decision of a submit, claims in the
 *       pump, ack/retry/dead-letter in {@link #finish}) are handed to the queue executor, so neither a submit on
 *       an event loop nor a sink's completion there ever waits for queue I/O.</li>
 *   <li>Payloads are encoded on the submitting thread (an encoding error is the caller's, thrown at once) and
 *       decoded just before each delivery; the queues only ever see the text.</li>
 * </ul>
 */
final class DefaultEventPipeline<T> implements EventPipeline<T> {
    private static final RejectReason[] REASONS = RejectReason.values();

    private final EventQueue queue;
    private final PayloadCodec<T> codec;
    private final EventSink<? super T> sink;
    private final Thresholds thresholds;
    private final Map<String, Integer> priorities;
    private final int defaultPriority;
    private final int workers;
    private final int maxAttempts;
    private final long backoffBaseNanos;
    private final long backoffMaxNanos;
    private final long deliveryTimeoutNanos;
    private final long retryAfterMaxSeconds;
    private final Ticker ticker;
    private final Scheduler scheduler;
    private final DoubleSupplier jitter;
    private final QueueCircuit circuit;
    /** Null for a non-blocking queue: queue operations then run on the calling thread. */
    private final @Nullable Executor queueExecutor; // null: the queue does not block, its calls run inline

    private final String idPrefix;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile boolean accepting = true;
    private volatile @Nullable CompletableFuture<Integer> drained;

    private final LongAdder accepted = new LongAdder();
    private final LongAdder[] rejected = new LongAdder[REASONS.length];
    private final RateMeter acceptedRate;
    private final RateMeter rejectedRate;
    private final RateMeter drainRate;
    private volatile Baseline baseline;
    private final EventPipelineListener listener;
    private final ListenerGuard guard = new ListenerGuard("event pipeline");

    /** Totals at the last reset. */
    @SuppressWarnings("ArrayRecordComponent") // a snapshot of counters, never compared or hashed
    private record Baseline(long accepted, long[] rejected, long completed, long failed, long deadLettered,
                            long evicted, long replayed, long atEpochMillis) {}

    DefaultEventPipeline(EventPipeline.Builder<T> b, EventQueue queue, Scheduler scheduler) {
        this.queue = queue;
        this.codec = b.codec;
        this.sink = b.sink;
        this.thresholds = b.thresholds;
        this.priorities = b.priorities;
        this.defaultPriority = b.defaultPriority;
        this.workers = b.workers;
        this.maxAttempts = b.maxAttempts;
        this.backoffBaseNanos = b.backoffBase.toNanos();
        this.backoffMaxNanos = b.backoffMax.toNanos();
        this.deliveryTimeoutNanos = b.deliveryTimeout.toNanos();
        this.retryAfterMaxSeconds = Math.max(1, b.retryAfterMax.toSeconds());
        this.ticker = b.ticker;
        this.scheduler = scheduler;
        this.jitter = b.jitter;
        this.queueExecutor = queue.blocking() ? b.queueExecutor : null;
        for (int i = 0; i < rejected.length; i++) {
            rejected[i] = new LongAdder();
        }
        this.acceptedRate = new RateMeter(ticker, 10);
        this.rejectedRate = new RateMeter(ticker, 10);
        this.drainRate = new RateMeter(ticker, 10);
        this.listener = b.listener != null ? b.listener : EventPipelineListener.logging();
        this.circuit = new QueueCircuit(thresholds, ticker, scheduler, queue::depth, listener, guard);
        this.idPrefix = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36,
                36L * 36 * 36 * 36 * 36 * 36), 36) + "-";
        this.baseline = new Baseline(0, new long[REASONS.length], 0, 0, 0, 0, 0, ticker.epochMillis());
        queue.onReady(this::pump);
        if (queue.depth() > 0) { // a journaled queue starts with what a previous process did not deliver
            pump();
        }
    }

    /** For tests: the listener in use. */
    EventPipelineListener listener() {
        return listener;
    }

    @Override
    public boolean blocking() {
        return queueExecutor != null;
    }

    @Override
    public int priorityOf(String type) {
        Integer p = priorities.get(type);
        return p != null ? p : defaultPriority;
    }

    @Override
    public CompletableFuture<AcceptedEvent> submit(String type, @Nullable T payload) {
        requireNonNull(type, "type");
        return submit(type, priorityOf(type), payload);
    }

    @Override
    public CompletableFuture<AcceptedEvent> submit(String type, int priority, @Nullable T payload) {
        requireNonNull(type, "type");
        Event.checkPriority("priority", priority);
        String text = payload == null ? null : codec.encode(payload);
        CompletableFuture<AcceptedEvent> result = new CompletableFuture<>();
        if (queueExecutor == null) {
            decide(type, priority, text, result);
            return result;
        }
        try {
            queueExecutor.execute(() -> decide(type, priority, text, result));
        } catch (RuntimeException e) { // the executor refused (shut down): the caller learns it from the future
            result.completeExceptionally(e);
        }
        return result;
    }

    /** Accepts or refuses one event into {@code result}; any error of the queue fails it too. */
    private void decide(String type, int priority, @Nullable String payload, CompletableFuture<AcceptedEvent> result) {
        try {
            result.complete(accept(type, priority, payload));
        } catch (Throwable e) {
            result.completeExceptionally(e);
        }
    }

    private AcceptedEvent accept(String type, int priority, @Nullable String payload) {
        if (!accepting) {
            throw reject(RejectReason.SHUTTING_DOWN, priority);
        }
        RejectReason reason = queue.depth() >= queue.capacity() ? RejectReason.CAPACITY_FULL
                : circuit.decide(priority, queue.depth());
        if (reason != null) {
            throw reject(reason, priority);
        }
        Event event = new Event(idPrefix + Long.toString(ids.incrementAndGet(), 36), type, priority, payload,
                ticker.epochMillis());
        RejectReason refused = queue.offer(event);
        if (refused != null) {
            throw reject(refused, priority);
        }
        accepted.increment();
        acceptedRate.record(1);
        CircuitState state = circuit.evaluate(queue.depth()).state();
        pump();
        return new AcceptedEvent(event.id(), priority, state);
    }

    private EventRejectedException reject(RejectReason reason, int priority) {
        rejected[reason.ordinal()].increment();
        rejectedRate.record(1);
        EventRejectedException e = new EventRejectedException(reason, priority, circuit.phase().state(),
                retryAfterSeconds(reason, priority));
        guard.call(() -> listener.onRejected(e));
        return e;
    }

    /**
     * Seconds until {@code priority} would likely be accepted: the excess depth over the level where it is
     * accepted again, divided by the measured drain rate; capped, and the cap when nothing drains.
     */
    long retryAfterSeconds(RejectReason reason, int priority) {
        int depth = queue.depth();
        long extraNanos = 0;
        int target = switch (reason) {
            case CAPACITY_FULL -> queue.capacity() - 1;
            case LOW_PRIORITY_SHED -> thresholds.lowPriorityDropAt() - 1;
            case CIRCUIT_OPEN -> {
                if (priority > Event.NORMAL_PRIORITY) { // needs CLOSED: drain to recovery, then a stable period
                    extraNanos = thresholds.stablePeriod().toNanos();
                }
                yield thresholds.recovery();
            }
            case CIRCUIT_HALF_OPEN -> {
                long remaining = circuit.stableRemainingNanos();
                extraNanos = remaining >= 0 ? remaining : thresholds.stablePeriod().toNanos();
                yield thresholds.recovery();
            }
            case JOURNAL_FULL -> depth / 2; // a segment frees once its events are delivered: guess half the queue
            case SHUTTING_DOWN -> -1;
        };
        if (target < 0) {
            return retryAfterMaxSeconds;
        }
        double seconds = extraNanos / 1e9;
        int excess = depth - target;
        if (excess > 0) {
            double rate = drainRate.perSecond();
            if (rate <= 0) {
                return retryAfterMaxSeconds;
            }
            seconds += excess / rate;
        }
        return Math.max(1, Math.min(retryAfterMaxSeconds, (long) Math.ceil(seconds)));
    }

    /** Starts deliveries while a worker slot is free and an event is waiting. */
    private void pump() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        if (queueExecutor != null) {
            queueExecutor.execute(this::pumpLoop);
        } else {
            pumpLoop();
        }
    }

    /** Runs by one thread at a time: the one whose increment of {@code wip} found it at zero. */
    private void pumpLoop() {
        int missed = 1;
        while (true) {
            while (inFlight.get() < workers) {
                Delivery d = queue.claim();
                if (d == null) {
                    break;
                }
                inFlight.incrementAndGet();
                start(d);
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void start(Delivery d) {
        @Nullable T payload;
        try {
            payload = d.event().payload() == null ? null : codec.decode(d.event().payload());
        } catch (RuntimeException e) { // retrying cannot help: dead-letter it now, keeping the text for a look
            finish(d, "payload cannot be decoded: " + describe(e), true);
            return;
        }
        CompletionStage<?> stage;
        try {
            stage = requireNonNull(sink.deliver(d, payload), "sink returned null");
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        if (stage instanceof CompletableFuture<?> f && f.isDone()) { // finished at once: no timeout to arm
            finish(d, f.isCompletedExceptionally() ? describe(f.handle((v, err) -> err).join()) : null, false);
            return;
        }
        AtomicBoolean ended = new AtomicBoolean();
        Scheduler.Cancellable timeout = scheduler.schedule(() -> {
            if (ended.compareAndSet(false, true)) {
                finish(d, "timeout after " + TimeUnit.NANOSECONDS.toMillis(deliveryTimeoutNanos) + " ms", false);
            }
        }, deliveryTimeoutNanos, TimeUnit.NANOSECONDS);
        stage.whenComplete((v, err) -> {
            if (ended.compareAndSet(false, true)) {
                timeout.cancel();
                finish(d, err == null ? null : describe(err), false);
            }
        });
    }

    private static String describe(Throwable err) {
        Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        String m = t.getMessage();
        String s = m == null ? t.getClass().getSimpleName() : m;
        return s.length() > 500 ? s.substring(0, 500) : s;
    }

    /** Ends one attempt: {@code failure} null = delivered; {@code permanent}: no retry can succeed. */
    private void finish(Delivery d, @Nullable String failure, boolean permanent) {
        if (queueExecutor != null) {
            queueExecutor.execute(() -> finishNow(d, failure, permanent));
        } else {
            finishNow(d, failure, permanent);
        }
    }

    private void finishNow(Delivery d, @Nullable String failure, boolean permanent) {
        try {
            if (failure == null) {
                queue.ack(d);
                drainRate.record(1);
            } else if (permanent || d.attempt() >= maxAttempts) {
                queue.deadLetter(d, failure);
                drainRate.record(1);
                guard.call(() -> listener.onDeadLettered(d.event(), d.attempt(), failure));
            } else {
                queue.retryLater(d, Duration.ofNanos(backoffNanos(d.attempt())), failure);
            }
        } finally {
            inFlight.decrementAndGet();
        }
        circuit.evaluate(queue.depth());
        pump();
        checkDrained();
    }

    /** Backoff before attempt {@code failedAttempt + 1}: equal jitter over min(max, base x 2^(n-1)). */
    long backoffNanos(int failedAttempt) {
        int shift = Math.min(failedAttempt - 1, 40);
        long b = backoffBaseNanos > (backoffMaxNanos >> shift) ? backoffMaxNanos : backoffBaseNanos << shift;
        b = Math.min(b, backoffMaxNanos);
        double j = Math.min(Math.max(jitter.getAsDouble(), 0), 1);
        return b / 2 + (long) (b / 2.0 * j);
    }

    @Override
    public EventStats stats() {
        return snapshot(baseline);
    }

    @Override
    public EventStats totals() {
        return snapshot(null);
    }

    private EventStats snapshot(@Nullable Baseline base) {
        QueueCounts c = queue.counts();
        Map<RejectReason, Long> byReason = new EnumMap<>(RejectReason.class);
        long rejectedTotal = 0;
        for (RejectReason r : REASONS) {
            long n = rejected[r.ordinal()].sum() - (base == null ? 0 : base.rejected[r.ordinal()]);
            byReason.put(r, n);
            rejectedTotal += n;
        }
        QueueCircuit.Phase phase = circuit.phase();
        return new EventStats(phase.state(), phase.sinceEpochMillis(), c.waiting(), c.active(), c.delayed(),
                accepted.sum() - (base == null ? 0 : base.accepted), rejectedTotal, byReason,
                c.completed() - (base == null ? 0 : base.completed),
                c.failed() - (base == null ? 0 : base.failed),
                c.deadLettered() - (base == null ? 0 : base.deadLettered), c.deadLetters(),
                c.evicted() - (base == null ? 0 : base.evicted),
                c.replayed() - (base == null ? 0 : base.replayed),
                workers, inFlight.get(), queue.capacity(), thresholds,
                acceptedRate.perSecond(), rejectedRate.perSecond(), drainRate.perSecond(),
                circuit.aboveWarning(), accepting, circuit.transitions(),
                base == null ? 0 : base.atEpochMillis);
    }

    @Override
    public CircuitState state() {
        return circuit.phase().state();
    }

    @Override
    public void resetStats() {
        QueueCounts c = queue.counts();
        long[] rej = new long[REASONS.length];
        for (int i = 0; i < rej.length; i++) {
            rej[i] = rejected[i].sum();
        }
        baseline = new Baseline(accepted.sum(), rej, c.completed(), c.failed(), c.deadLettered(), c.evicted(),
                c.replayed(), ticker.epochMillis());
        circuit.reset();
    }

    @Override
    public List<DeadLetter> deadLetters(int limit) {
        return queue.deadLetters(limit);
    }

    @Override
    public List<String> replay(Collection<String> ids, int limit) {
        List<String> done = queue.replay(ids, limit);
        circuit.evaluate(queue.depth());
        return done;
    }

    @Override
    public CompletableFuture<Integer> drain(Duration grace) {
        requireNonNull(grace, "grace");
        accepting = false;
        CompletableFuture<Integer> f;
        synchronized (this) {
            if (drained == null) {
                CompletableFuture<Integer> d = new CompletableFuture<>();
                drained = d;
                Runnable giveUp = () -> {
                    int left = queue.depth();
                    if (d.complete(left) && left > 0) {
                        guard.call(() -> listener.onDrainGaveUp(left, grace));
                    }
                };
                if (grace.isZero()) {
                    giveUp.run();
                } else {
                    scheduler.schedule(giveUp, grace.toNanos(), TimeUnit.NANOSECONDS);
                }
            }
            f = drained;
        }
        checkDrained();
        return f;
    }

    private void checkDrained() {
        CompletableFuture<Integer> f = drained;
        if (f != null && !f.isDone() && queue.depth() == 0) {
            f.complete(0);
        }
    }

    @Override
    public void close() {
        accepting = false;
    }
}
