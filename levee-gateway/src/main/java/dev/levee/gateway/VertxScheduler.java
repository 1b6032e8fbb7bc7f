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
