package dev.levee.core.time;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
     * work to an executor.
     */
    static Scheduler system(String threadName) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        return (task, delay, unit) -> {
            var future = executor.schedule(task, delay, unit);
            return () -> future.cancel(false);
        };
    }
}
