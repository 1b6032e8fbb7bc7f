package dev.levee.gateway;

import dev.levee.core.time.Scheduler;
import io.vertx.core.Vertx;

import java.util.concurrent.TimeUnit;

/** Core's {@link Scheduler} on Vert.x timers, so core timeouts fire on the event loop without extra threads. */
final class VertxScheduler implements Scheduler {
    private final Vertx vertx;

    VertxScheduler(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
        long id = vertx.setTimer(Math.max(1, unit.toMillis(delay)), t -> task.run());
        return () -> vertx.cancelTimer(id);
    }
}
