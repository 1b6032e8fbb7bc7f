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

import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

import static dev.levee.core.internal.Arguments.A_SCHEDULER;
import static dev.levee.core.internal.Arguments.positive;
import static dev.levee.core.internal.Arguments.required;
import static java.util.Objects.requireNonNull;

/**
 * Event ingestion with queue-depth backpressure: {@link #submit} decides on the event's priority and the queue
 * circuit ({@link Thresholds}), workers deliver accepted events to an {@link EventSink} with retries (exponential
 * backoff with jitter), and events that fail every attempt go to a dead-letter queue that can be listed and
 * replayed.
 *
 * <pre>{@code
 * EventPipeline<String> events = EventPipeline.builder(EventSink.blocking((event, text) -> handle(text), executor))
 *         .thresholds(Thresholds.of(1_000, 5_000, 500))
 *         .priorities(Map.of("scheduled", 1, "batch-operation", 10))
 *         .scheduler(Scheduler.system("levee-events"))
 *         .build();
 * events.submit("telemetry-data", "{\"v\":1}")
 *         .whenComplete((accepted, refused) -> ...); // refused: an EventRejectedException
 * }</pre>
 *
 * <p>Payloads: the pipeline accepts payloads of type {@code T} and its {@link PayloadCodec} turns them into the
 * text every queue stores ({@link PayloadCodec#text()}, {@link PayloadCodec#bytes()}, or your own); the sink
 * receives the decoded payload.
 *
 * <p>Memory: everything accepted and not yet delivered lives in the {@link EventQueue}; with the in-memory queue
 * it is lost if the process exits before delivery (see {@link #drain}).
 *
 * @param <T> the payload type
 */
public interface EventPipeline<T> extends AutoCloseable {

    /**
     * Submits an event whose priority comes from its type (unknown types get the default priority). The future
     * completes with the {@link AcceptedEvent}, or fails with an {@link EventRejectedException} when the pipeline
     * refuses it (or with the queue's own error, e.g. a Redis queue that is down). With a non-blocking queue it
     * is complete on return; with a {@link EventQueue#blocking() blocking} queue the submit runs on the queue
     * executor, so calling it on an event loop never blocks. A bad argument (a null type) or a payload the codec
     * cannot encode is the caller's error and throws at once.
     */
    CompletableFuture<AcceptedEvent> submit(String type, @Nullable T payload);

    /** Submits an event with an explicit priority (1..10); see {@link #submit(String, Object)}. */
    CompletableFuture<AcceptedEvent> submit(String type, int priority, @Nullable T payload);

    /**
     * True when the queue is {@link EventQueue#blocking()}: {@link #submit} then completes on the queue executor,
     * and {@link #deadLetters} and {@link #replay} block (call them off event loops).
     */
    boolean blocking();

    /** The priority configured for {@code type}, or the default. */
    int priorityOf(String type);

    EventStats stats();

    /** Like {@link #stats()} but with totals since creation (monotonic, for Prometheus counters). */
    EventStats totals();

    CircuitState state();

    /** Resets the since-reset totals and the rates, and forces the circuit CLOSED (then re-evaluated). */
    void resetStats();

    List<DeadLetter> deadLetters(int limit);

    /** Replays dead letters ({@code ids} null = any), oldest first, at most {@code limit}; returns their ids. */
    List<String> replay(Collection<String> ids, int limit);

    /**
     * Stops accepting (further submits are rejected with {@link RejectReason#SHUTTING_DOWN}) and completes when
     * every accepted event is delivered or dead-lettered, or when {@code grace} has passed: with the number of
     * events still undelivered then (0 when all made it).
     */
    CompletableFuture<Integer> drain(Duration grace);

    /** Stops accepting; in-flight deliveries may still complete. */
    @Override
    void close();

    /** A pipeline of text payloads, stored as they are: {@code builder(PayloadCodec.text(), sink)}. */
    static Builder<String> builder(EventSink<? super String> sink) {
        return new Builder<>(PayloadCodec.text(), sink);
    }

    /** A pipeline of {@code T} payloads, stored as the text {@code codec} makes of them. */
    static <T> Builder<T> builder(PayloadCodec<T> codec, EventSink<? super T> sink) {
        return new Builder<>(codec, sink);
    }

    /**
     * Builds an {@link EventPipeline}. Every setter rejects bad values with the value in the message; a
     * {@link #scheduler} is required.
     */
    final class Builder<T> {
        final PayloadCodec<T> codec;
        final EventSink<? super T> sink;
        Thresholds thresholds = Thresholds.DEFAULT;
        Map<String, Integer> priorities = Map.of();
        int defaultPriority = 5;
        int workers = 8;
        int maxAttempts = 5;
        Duration backoffBase = Duration.ofMillis(500);
        Duration backoffMax = Duration.ofSeconds(30);
        Duration deliveryTimeout = Duration.ofSeconds(10);
        Duration agingStep = Duration.ofSeconds(10);
        int deadLetterCapacity = 10_000;
        Duration retryAfterMax = Duration.ofSeconds(60);
        Ticker ticker = Ticker.system();
        @Nullable Scheduler scheduler;
        DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();
        @Nullable EventQueue queue;
        @Nullable Executor queueExecutor;
        @Nullable EventPipelineListener listener;

        Builder(PayloadCodec<T> codec, EventSink<? super T> sink) {
            this.codec = requireNonNull(codec, "codec");
            this.sink = requireNonNull(sink, "sink");
        }

        public Builder<T> thresholds(Thresholds thresholds) {
            this.thresholds = requireNonNull(thresholds, "thresholds");
            return this;
        }

        /** Priority per event type (1..10). */
        public Builder<T> priorities(Map<String, Integer> priorities) {
            requireNonNull(priorities, "priorities");
            priorities.forEach((type, p) -> Event.checkPriority("priorities." + type, requireNonNull(p, type)));
            this.priorities = Map.copyOf(priorities);
            return this;
        }

        public Builder<T> defaultPriority(int priority) {
            this.defaultPriority = Event.checkPriority("defaultPriority", priority);
            return this;
        }

        /** Concurrent deliveries. */
        public Builder<T> workers(int workers) {
            this.workers = positive("workers", workers);
            return this;
        }

        /** Attempts per event before it is dead-lettered (1 = no retry). */
        public Builder<T> maxAttempts(int maxAttempts) {
            this.maxAttempts = positive("maxAttempts", maxAttempts);
            return this;
        }

        /**
         * Retry backoff: attempt n waits {@code b = min(max, base x 2^(n-1))} scaled by jitter into [b/2, b)
         * ("equal jitter": spread out, never less than half).
         */
        public Builder<T> backoff(Duration base, Duration max) {
            this.backoffBase = positive("backoffBase", base);
            this.backoffMax = positive("backoffMax", max);
            if (max.compareTo(base) < 0) {
                throw new IllegalArgumentException("backoffMax: " + max + " (expected: >= backoffBase " + base + ")");
            }
            return this;
        }

        /** A delivery not completed within this is a failed attempt. */
        public Builder<T> deliveryTimeout(Duration timeout) {
            this.deliveryTimeout = positive("deliveryTimeout", timeout);
            return this;
        }

        /** Waiting time that improves an event's effective priority by one level (in-memory queue). */
        public Builder<T> agingStep(Duration step) {
            this.agingStep = positive("agingStep", step);
            return this;
        }

        public Builder<T> deadLetterCapacity(int capacity) {
            this.deadLetterCapacity = positive("deadLetterCapacity", capacity);
            return this;
        }

        /** The cap of the Retry-After estimate. */
        public Builder<T> retryAfterMax(Duration max) {
            this.retryAfterMax = positive("retryAfterMax", max);
            return this;
        }

        /** Time source; pass a {@code ManualTicker} as both ticker and scheduler in tests. */
        public Builder<T> ticker(Ticker ticker) {
            this.ticker = requireNonNull(ticker, "ticker");
            return this;
        }

        /** Required: runs backoffs, delivery timeouts and circuit checks (no hidden thread of the pipeline's own). */
        public Builder<T> scheduler(Scheduler scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Source of jitter in [0, 1). */
        public Builder<T> jitter(DoubleSupplier jitter) {
            this.jitter = requireNonNull(jitter, "jitter");
            return this;
        }

        /** Another queue implementation (e.g. durable); default in-memory with capacity from the thresholds. */
        public Builder<T> queue(EventQueue queue) {
            this.queue = requireNonNull(queue, "queue");
            return this;
        }

        /** Where queue operations run when the queue is {@link EventQueue#blocking()} (required then). */
        public Builder<T> queueExecutor(Executor executor) {
            this.queueExecutor = requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Told of circuit changes, warning-threshold crossings, refusals, dead letters and a drain that gave up
         * (default: {@link EventPipelineListener#logging()}; to keep those lines and add your own handling, call a
         * {@code logging()} listener from yours).
         */
        public Builder<T> listener(EventPipelineListener listener) {
            this.listener = requireNonNull(listener, "listener");
            return this;
        }

        public EventPipeline<T> build() {
            Scheduler s = required("scheduler", scheduler, A_SCHEDULER);
            EventQueue q = queue != null ? queue
                    : EventQueue.inMemory(thresholds.capacity(), agingStep, deadLetterCapacity, ticker, s);
            if (q.blocking()) {
                required("queueExecutor", queueExecutor, "an Executor for the blocking queue's calls");
            }
            return new DefaultEventPipeline<>(this, q, s);
        }


    }
}
