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

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay measured on the component's {@link Ticker}. Timeouts (a waiter's max wait, a
 * refresh, a retry backoff) go through this, so a {@link ManualTicker} fires them when a test advances time.
 */
@FunctionalInterface
public interface Scheduler {

    /** A scheduled task; cancelling one that already ran or was cancelled does nothing. */
    @FunctionalInterface
    interface Cancellable {
        /** Returns true if this call stopped the task from running. */
        boolean cancel();
    }

    Cancellable schedule(Runnable task, long delay, TimeUnit unit);

    /**
     * A scheduler on one daemon thread of its own. Tasks must be short: they only complete futures or hand
     * work to an executor. Cancelled tasks are dropped at once (most timeouts are cancelled because the
     * waiter was served, and they must not pile up until their deadline).
     */
    static Scheduler system(String threadName) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        // timeouts are mostly cancelled (the waiter was served): drop them at once instead of at their deadline
        executor.setRemoveOnCancelPolicy(true);
        return (task, delay, unit) -> {
            var future = executor.schedule(task, delay, unit);
            return () -> future.cancel(false);
        };
    }
}
