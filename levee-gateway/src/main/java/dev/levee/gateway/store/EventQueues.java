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
package dev.levee.gateway.store;

import dev.levee.core.events.EventQueue;
import dev.levee.gateway.GatewayContext;
import dev.levee.gateway.config.EventsConfig;
import dev.levee.gateway.config.StoreConfig;
import dev.levee.redis.RedisConnection;
import dev.levee.redis.events.RedisEventQueue;
import io.vertx.core.WorkerExecutor;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * The event queue for {@code store.type}: null for {@code memory} (the pipeline's own in-memory queue), a
 * {@link RedisEventQueue} shared by every instance for {@code redis}.
 *
 * <p>Policy while Redis is unreachable: an event that cannot be written to Redis is refused (503 "Queue
 * overloaded" with Retry-After), never accepted and lost; workers stop claiming until Redis answers, and a
 * delivery whose ack could not be written is delivered again later (at-least-once).
 *
 * <p>With {@code store.redis.events-wait.replicas > 0} every enqueue also WAITs for that many replicas, on a Redis
 * connection of its own (WAIT blocks the connection it runs on); an event they do not confirm in time is answered
 * 503, not 202.
 */
public final class EventQueues {
    /** A delivery pending this long (its instance died mid-delivery) is claimed by another instance. */
    static final Duration MIN_STALL = Duration.ofSeconds(30);

    private EventQueues() {}

    /** The queue and the executor its blocking operations run on. */
    public record Shared(EventQueue queue, Executor executor, AutoCloseable closer) {}

    /** Null with {@code store.type: memory}. */
    public static Shared forConfig(GatewayContext gw, EventsConfig events) {
        StoreConfig config = gw.config().store();
        if (config.type() == StoreConfig.Type.memory) {
            return null;
        }
        StoreFeature registered = StoreFeature.registered(gw);
        StoreFeature feature = registered != null ? registered : new StoreFeature(gw);
        Duration stall = events.deliveryTimeout().multipliedBy(3);
        StoreConfig.EventsWait wait = config.redis().eventsWait();
        RedisConnection waitConnection = wait.replicas() > 0
                ? StoreFeature.connect(config.redis()) : null;
        RedisEventQueue.Builder builder = RedisEventQueue.builder(feature.redis(), "events");
        if (waitConnection != null) {
            builder.waitForReplicas(wait.replicas(), wait.timeout(), waitConnection);
        }
        RedisEventQueue queue = builder
                .capacity(events.effectiveCapacity())
                .workers(events.workers())
                .agingStep(events.agingStep())
                .deadLetterCapacity(events.deadLetterCapacity())
                .stallTimeout(stall.compareTo(MIN_STALL) > 0 ? stall : MIN_STALL)
                .operationTimeout(config.redis().commandTimeout().multipliedBy(2))
                .consumer("levee-" + UUID.randomUUID())
                .time(gw.ticker(), gw.scheduler())
                .build();
        // blocking queue calls (one Redis round trip each) run on a worker pool sized like the delivery workers
        WorkerExecutor pool = gw.vertx().createSharedWorkerExecutor("levee-events-queue",
                Math.max(2, events.workers()));
        Executor executor = task -> pool.executeBlocking(() -> {
            task.run();
            return null;
        }, false);
        feature.track(queue);
        feature.retain();
        if (registered == null) {
            feature.close(); // a private one: its connection closes when this queue does
        }
        return new Shared(queue, executor, () -> {
            feature.untrack(queue);
            queue.close();
            pool.close();
            if (waitConnection != null) {
                waitConnection.close();
            }
            feature.release();
        });
    }
}
