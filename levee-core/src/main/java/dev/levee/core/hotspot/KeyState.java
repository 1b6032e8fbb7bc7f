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
package dev.levee.core.hotspot;

import dev.levee.core.time.Scheduler;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * One key's wait queue and decision state in the {@link DefaultHotSpotLimiter}.
 *
 * <p>Implementation note: plain data, every field guarded by the instance's monitor. {@link KeyQueues} reads and
 * changes it under that lock and completes futures after releasing it; {@link KeyTable} removes a state only under
 * that lock, marking it {@code removed} so that a caller holding a stale reference looks the key up again.
 */
final class KeyState {
    final String key;
    final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    boolean deciding;
    // the running decision is for a first caller, outside the queue
    boolean decidingOutside;
    // calls the window may still take, as far as the limiter knows while it is not blocked: the whole limit
    // when a first caller starts deciding (calls leave the window with time, so an older answer says
    // nothing), limit - count after a grant, 1 after "full until T" (from T on), one more after a refund
    int room;
    long blockedUntil = Long.MIN_VALUE;
    Scheduler.Cancellable timer;
    long timerAt = Long.MAX_VALUE;
    int inFlight;
    long lastActivity;
    int lastCount;
    boolean alerting;
    long rejected;
    boolean removed;

    KeyState(String key, long now, int limit) {
        this.key = key;
        this.lastActivity = now;
        this.room = limit;
    }

    /** Under the lock: nobody waits, no decision runs and no permit is held, so nothing needs this state now. */
    boolean quiet() {
        return queue.isEmpty() && !deciding && inFlight == 0;
    }

    /** Under the lock: cancels the pending wake-up, if any. */
    void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
            timerAt = Long.MAX_VALUE;
        }
    }

    /** A caller waiting for a permit. */
    static final class Waiter {
        final CompletableFuture<Permit> future;
        final long deadline;  // enqueue time + max wait
        // found nobody ahead: decided without entering the queue, which it enters (at the head) only if the
        // window is full; guarded by the key state's lock
        boolean outsideQueue;

        Waiter(CompletableFuture<Permit> future, long deadline, boolean outsideQueue) {
            this.future = future;
            this.deadline = deadline;
            this.outsideQueue = outsideQueue;
        }
    }
}
