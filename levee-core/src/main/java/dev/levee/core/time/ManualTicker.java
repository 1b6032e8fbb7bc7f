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
package dev.levee.core.time;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.levee.core.internal.Arguments.nonNegative;
import static java.util.Objects.requireNonNull;

/**
 * A ticker and scheduler whose time moves only when {@link #advance} is called: the time source for tests.
 *
 * <p>Implementation notes: tasks scheduled for the same instant run in scheduling order. Due tasks run on the
 * thread that calls {@link #advance}, outside the lock, so a task may schedule further tasks (they run in the
 * same call if they fall due within the advanced interval).
 */
public final class ManualTicker implements Ticker, Scheduler {

    private record Task(long due, long seq, Runnable runnable, AtomicBoolean cancelled) {}

    private final AtomicLong nanos = new AtomicLong();
    private final long epochBaseMillis;
    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) ->
            a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private long seq;

    public ManualTicker() {
        this(1_700_000_000_000L);
    }

    public ManualTicker(long epochBaseMillis) {
        this.epochBaseMillis = epochBaseMillis;
    }

    @Override
    public long read() {
        return nanos.get();
    }

    @Override
    public long epochMillis() {
        return epochBaseMillis + TimeUnit.NANOSECONDS.toMillis(nanos.get());
    }

    @Override
    public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
        requireNonNull(task, "task");
        requireNonNull(unit, "unit");
        AtomicBoolean cancelled = new AtomicBoolean();
        synchronized (tasks) {
            tasks.add(new Task(nanos.get() + Math.max(0, unit.toNanos(delay)), seq++, task, cancelled));
        }
        return () -> cancelled.compareAndSet(false, true);
    }

    /** Moves time forward and runs every task that falls due, in due order. */
    public void advance(Duration duration) {
        advance(duration.toNanos(), TimeUnit.NANOSECONDS);
    }

    public void advance(long amount, TimeUnit unit) {
        nonNegative("amount", amount);
        long target = nanos.get() + unit.toNanos(amount);
        while (true) {
            Task next;
            synchronized (tasks) {
                next = tasks.peek();
                if (next == null || next.due > target) {
                    break;
                }
                tasks.poll();
            }
            nanos.accumulateAndGet(next.due, Math::max);
            if (next.cancelled.compareAndSet(false, true)) {
                next.runnable.run();
            }
        }
        nanos.accumulateAndGet(target, Math::max);
    }

    /** Tasks scheduled and not yet run or cancelled. */
    public int pendingTasks() {
        synchronized (tasks) {
            List<Task> live = new ArrayList<>(tasks);
            return (int) live.stream().filter(t -> !t.cancelled.get()).count();
        }
    }
}
