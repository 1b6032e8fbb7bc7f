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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

import static dev.levee.core.internal.Arguments.positive;
import static java.util.Objects.requireNonNull;

/**
 * The in-memory {@link EventQueue}.
 *
 * <p>Implementation notes:
 * <ul>
 *   <li>One FIFO deque per priority level (1..10). Within a level the head has waited longest, so it also has the
 *       best effective priority of its level; {@link #claim} therefore compares at most ten heads: O(levels), not
 *       O(n), however long the queue.</li>
 *   <li>One lock guards the deques, the active/delayed maps, the dead letters and every count, so
 *       {@link #counts()} is exact and the capacity check cannot be raced past. Critical sections are a few
 *       pointer moves. {@link #depth()} is a volatile read of a field written under the lock, so the accept/reject
 *       decision never takes the lock.</li>
 *   <li>A retried event keeps its attempt count but starts waiting afresh (aging restarts) when its backoff
 *       ends, at the tail of its level: FIFO is by time of becoming waiting.</li>
 *   <li>The ready listener runs outside the lock, so it may claim.</li>
 * </ul>
 */
@SuppressWarnings("NonAtomicVolatileUpdate") // depth is written under the lock, volatile only for lock-free reads
final class InMemoryEventQueue implements EventQueue {

    private static final class Entry {
        final Event event;
        int attempts;
        long waitingSince;
        long seq;

        Entry(Event event) {
            this.event = event;
        }
    }

    private final int capacity;
    private final long agingNanos;
    private final int deadLetterCapacity;
    private final Ticker ticker;
    private final Scheduler scheduler;

    private final ReentrantLock lock = new ReentrantLock();
    @SuppressWarnings({"unchecked", "rawtypes"})
    private final ArrayDeque<Entry>[] levels = new ArrayDeque[Event.LOWEST_PRIORITY + 1];
    private final Map<String, Entry> active = new HashMap<>();
    private final Map<String, Entry> delayed = new HashMap<>();
    private final ArrayDeque<DeadLetter> deadLetters = new ArrayDeque<>();
    private long seq;
    private int waiting;
    private long completed;
    private long failed;
    private long deadLettered;
    private long evicted;
    private long enqueued;
    private long replayed;
    private volatile int depth;
    private volatile Runnable readyListener = () -> {};

    InMemoryEventQueue(int capacity, Duration agingStep, int deadLetterCapacity, Ticker ticker, Scheduler scheduler) {
        positive("capacity", capacity);
        positive("agingStep", agingStep);
        positive("deadLetterCapacity", deadLetterCapacity);
        this.capacity = capacity;
        this.agingNanos = agingStep.toNanos();
        this.deadLetterCapacity = deadLetterCapacity;
        this.ticker = requireNonNull(ticker, "ticker");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        for (int p = Event.CRITICAL_PRIORITY; p <= Event.LOWEST_PRIORITY; p++) {
            levels[p] = new ArrayDeque<>();
        }
    }

    @Override
    public boolean enqueue(Event event) {
        requireNonNull(event, "event");
        Entry e = new Entry(event);
        lock.lock();
        try {
            if (depth >= capacity) {
                return false;
            }
            makeWaiting(e);
            enqueued++;
            depth++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock. */
    private void makeWaiting(Entry e) {
        e.waitingSince = ticker.read();
        e.seq = seq++;
        levels[e.event.priority()].addLast(e);
        waiting++;
    }

    @Override
    public @Nullable Delivery claim() {
        lock.lock();
        try {
            if (waiting == 0) {
                return null;
            }
            long now = ticker.read();
            Entry best = null;
            long bestEffective = Long.MAX_VALUE;
            for (int p = Event.CRITICAL_PRIORITY; p <= Event.LOWEST_PRIORITY; p++) {
                Entry head = levels[p].peekFirst();
                if (head == null) {
                    continue;
                }
                long effective = Math.max(Event.CRITICAL_PRIORITY, p - (now - head.waitingSince) / agingNanos);
                if (effective < bestEffective || effective == bestEffective && best != null && head.seq < best.seq) {
                    best = head;
                    bestEffective = effective;
                }
            }
            Entry claimed = requireNonNull(best, "best"); // waiting > 0: some level has a head
            levels[claimed.event.priority()].pollFirst();
            waiting--;
            claimed.attempts++;
            active.put(claimed.event.id(), claimed);
            return new Delivery(claimed.event, claimed.attempts);
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock. */
    private Entry takeActive(Delivery delivery) {
        Entry e = active.remove(delivery.event().id());
        if (e == null) {
            throw new IllegalStateException("event " + delivery.event().id() + " is not active (ended twice?)");
        }
        return e;
    }

    @Override
    public void ack(Delivery delivery) {
        lock.lock();
        try {
            takeActive(delivery);
            completed++;
            depth--;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void retryLater(Delivery delivery, Duration delay, String reason) {
        requireNonNull(delay, "delay");
        Entry e;
        lock.lock();
        try {
            e = takeActive(delivery);
            failed++;
            delayed.put(e.event.id(), e);
        } finally {
            lock.unlock();
        }
        scheduler.schedule(() -> release(e), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    }

    private void release(Entry e) {
        lock.lock();
        try {
            if (delayed.remove(e.event.id()) == null) {
                return;
            }
            makeWaiting(e);
        } finally {
            lock.unlock();
        }
        readyListener.run();
    }

    @Override
    public void deadLetter(Delivery delivery, String reason) {
        requireNonNull(reason, "reason");
        lock.lock();
        try {
            Entry e = takeActive(delivery);
            failed++;
            deadLettered++;
            depth--;
            if (deadLetters.size() >= deadLetterCapacity) {
                deadLetters.pollFirst();
                evicted++;
            }
            deadLetters.addLast(new DeadLetter(e.event, reason, e.attempts, ticker.epochMillis()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<DeadLetter> deadLetters(int limit) {
        lock.lock();
        try {
            List<DeadLetter> out = new ArrayList<>(Math.min(Math.max(limit, 0), deadLetters.size()));
            for (DeadLetter d : deadLetters) {
                if (out.size() >= limit) {
                    break;
                }
                out.add(d);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> replay(Collection<String> ids, int limit) {
        Set<String> wanted = ids == null ? null : new HashSet<>(ids);
        List<String> done = new ArrayList<>();
        lock.lock();
        try {
            for (Iterator<DeadLetter> it = deadLetters.iterator(); it.hasNext() && done.size() < limit; ) {
                if (depth >= capacity) {
                    break;
                }
                DeadLetter d = it.next();
                if (wanted != null && !wanted.contains(d.event().id())) {
                    continue;
                }
                it.remove();
                makeWaiting(new Entry(d.event()));
                replayed++;
                depth++;
                done.add(d.event().id());
            }
        } finally {
            lock.unlock();
        }
        if (!done.isEmpty()) {
            readyListener.run();
        }
        return done;
    }

    @Override
    public int depth() {
        return depth;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public QueueCounts counts() {
        lock.lock();
        try {
            return new QueueCounts(waiting, active.size(), delayed.size(), completed, failed, deadLettered,
                    deadLetters.size(), evicted, enqueued, replayed);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onReady(Runnable listener) {
        this.readyListener = requireNonNull(listener, "listener");
    }
}
