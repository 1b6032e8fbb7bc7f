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

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * An {@link EventQueue} (the in-memory one) whose accepted events are also in an {@link EventJournal}: an event is
 * journaled before {@link #offer} accepts it, and acknowledged when it is delivered ({@link #ack}) or dead-lettered
 * ({@link #deadLetter}); retries keep it live. At construction the journal's recovered events are put back in the
 * queue, so what a previous process accepted and did not deliver is delivered now.
 *
 * <p>Dead letters are acknowledged: the dead-letter list stays in memory, as without a journal. A replayed dead
 * letter is journaled again.
 */
final class JournaledEventQueue implements EventQueue {
    private static final Logger log = LoggerFactory.getLogger(JournaledEventQueue.class);

    private final EventQueue delegate;
    private final EventJournal journal;

    JournaledEventQueue(EventQueue delegate, EventJournal journal) {
        this.delegate = requireNonNull(delegate, "delegate");
        this.journal = requireNonNull(journal, "journal");
        int restored = 0;
        List<Event> recovered = journal.recovered();
        for (Event e : recovered) {
            if (!delegate.enqueue(e)) {
                break; // past the queue's capacity: they stay in the journal for the next start
            }
            restored++;
        }
        if (restored < recovered.size()) {
            log.warn("event journal {}: {} of {} recovered events exceed the queue capacity {}; they stay in the "
                    + "journal and are loaded at the next start", journal.dir(), recovered.size() - restored,
                    recovered.size(), delegate.capacity());
        }
    }

    @Override
    public @Nullable RejectReason offer(Event event) {
        requireNonNull(event, "event");
        if (delegate.depth() >= delegate.capacity()) {
            return RejectReason.CAPACITY_FULL;
        }
        if (!journal.append(event)) {
            return RejectReason.JOURNAL_FULL;
        }
        if (!delegate.enqueue(event)) { // lost the race for the last slot
            journal.ack(event.id());
            return RejectReason.CAPACITY_FULL;
        }
        return null;
    }

    @Override
    public boolean enqueue(Event event) {
        return offer(event) == null;
    }

    @Override
    public @Nullable Delivery claim() {
        return delegate.claim();
    }

    @Override
    public void ack(Delivery delivery) {
        delegate.ack(delivery);
        journal.ack(delivery.event().id());
    }

    @Override
    public void retryLater(Delivery delivery, Duration delay, String reason) {
        delegate.retryLater(delivery, delay, reason);
    }

    @Override
    public void deadLetter(Delivery delivery, String reason) {
        delegate.deadLetter(delivery, reason);
        journal.ack(delivery.event().id());
    }

    @Override
    public List<DeadLetter> deadLetters(int limit) {
        return delegate.deadLetters(limit);
    }

    @Override
    public List<String> replay(Collection<String> ids, int limit) {
        Map<String, Event> byId = new HashMap<>();
        for (DeadLetter d : delegate.deadLetters(Integer.MAX_VALUE)) {
            byId.put(d.event().id(), d.event());
        }
        List<String> done = delegate.replay(ids, limit);
        for (String id : done) {
            if (!journal.append(requireNonNull(byId.get(id), "replayed event"))) { // replay returns ids it had
                log.warn("event journal {}: replayed event {} could not be journaled (full); it is queued in memory "
                        + "only", journal.dir(), id);
            }
        }
        return done;
    }

    @Override
    public int depth() {
        return delegate.depth();
    }

    @Override
    public int capacity() {
        return delegate.capacity();
    }

    @Override
    public QueueCounts counts() {
        return delegate.counts();
    }

    @Override
    public void onReady(Runnable listener) {
        delegate.onReady(listener);
    }

    /** {@link EventJournal.Fsync#ALWAYS} forces the device in {@link #offer}: callers must be off event loops. */
    @Override
    public boolean blocking() {
        return journal.fsync() == EventJournal.Fsync.ALWAYS || delegate.blocking();
    }
}
