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
import org.jspecify.annotations.Nullable;

/**
 * Storage of an {@link EventPipeline}: a bounded priority queue with claim/ack delivery, delayed retries and a
 * dead-letter queue. The in-memory implementation is {@link #inMemory}; a durable one (Redis Streams) implements
 * the same contract so the pipeline, its thresholds and its workers stay unchanged.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #claim} returns the event with the best effective priority (1 first, FIFO within a priority, with
 *       aging so low priority never starves) and marks it active;</li>
 *   <li>every claimed {@link Delivery} ends with exactly one of {@link #ack}, {@link #retryLater},
 *       {@link #deadLetter};</li>
 *   <li>a retried event is delayed, then waiting again; the queue calls the {@link #onReady} listener when it is;</li>
 *   <li>{@link #counts()} is exact and atomic; {@link #depth()} is cheap (no lock).</li>
 * </ul>
 */
public interface EventQueue {

    /** Adds {@code event} as waiting; false, and nothing changes, when {@link #depth()} is at {@link #capacity()}. */
    boolean enqueue(Event event);

    /**
     * Like {@link #enqueue}, but says why it refused: null when {@code event} was added, else the reason (the
     * default: {@link RejectReason#CAPACITY_FULL}; a journaled queue also {@link RejectReason#JOURNAL_FULL}).
     */
    default @Nullable RejectReason offer(Event event) {
        return enqueue(event) ? null : RejectReason.CAPACITY_FULL;
    }

    /** The next event to deliver, now active; null when none is waiting. */
    @Nullable Delivery claim();

    /** The delivery succeeded: the event is completed. */
    void ack(Delivery delivery);

    /** The attempt failed and will be retried: the event is delayed for {@code delay}, then waiting again. */
    void retryLater(Delivery delivery, Duration delay, String reason);

    /** The attempt failed for the last time: the event moves to the dead-letter queue. */
    void deadLetter(Delivery delivery, String reason);

    /** Up to {@code limit} dead letters, oldest first. */
    List<DeadLetter> deadLetters(int limit);

    /**
     * Moves dead letters back to waiting (their attempt count starts again), oldest first: those whose id is in
     * {@code ids}, or any when {@code ids} is null; at most {@code limit}, and only while capacity allows.
     *
     * @return the ids replayed
     */
    List<String> replay(Collection<String> ids, int limit);

    /** Waiting + active + delayed. */
    int depth();

    int capacity();

    QueueCounts counts();

    /** Called (on any thread) when delayed or replayed events become waiting, so workers can claim them. */
    void onReady(Runnable listener);

    /**
     * True when operations may block (a networked, durable implementation using a synchronous client). The
     * pipeline then runs every submit's decision and claim/ack/retry/dead-letter on its {@code queueExecutor}
     * instead of the calling thread or the thread that completed a delivery, so callers of
     * {@link EventPipeline#submit} never block. {@link #depth()} must stay cheap either way (a cached value),
     * because the accept/reject decision reads it.
     */
    default boolean blocking() {
        return false;
    }

    /**
     * {@code delegate} (the in-memory queue) with every accepted event also in {@code journal} until it is
     * delivered or dead-lettered; the journal's recovered events are queued at once. See {@link EventJournal}.
     */
    static EventQueue journaled(EventQueue delegate, EventJournal journal) {
        return new JournaledEventQueue(delegate, journal);
    }

    /**
     * The in-memory queue.
     *
     * <p>Ordering rule (aging): an event's effective priority is {@code max(1, priority - waited / agingStep)},
     * where {@code waited} is how long it has been waiting; claim takes the best effective priority, the one
     * waiting longest on ties. So a priority 10 event that has waited 9 aging steps is served like a priority 1
     * event that arrived when it did: low priority is delayed by urgent traffic, never starved.
     *
     * @param capacity           hard bound of waiting + active + delayed
     * @param agingStep          waiting time that improves the effective priority by one level
     * @param deadLetterCapacity dead letters held; past it the oldest is evicted (and counted)
     */
    static EventQueue inMemory(int capacity, Duration agingStep, int deadLetterCapacity, Ticker ticker,
                               Scheduler scheduler) {
        return new InMemoryEventQueue(capacity, agingStep, deadLetterCapacity, ticker, scheduler);
    }
}
