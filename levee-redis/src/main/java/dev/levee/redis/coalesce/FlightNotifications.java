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
package dev.levee.redis.coalesce;

import dev.levee.core.time.Scheduler;
import dev.levee.redis.RedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The subscription to {@link RedisFlightCoordinator}'s channel: hands every message to the coordinator.
 *
 * <p>Implementation note. Notifications only shorten waits (waiters recheck on a timer anyway), so a failed
 * connect or subscribe is retried in the background every second and never reported. Messages arrive on
 * Lettuce's pub/sub thread; the handler must not block. After {@link #close} no new connection is kept.
 */
final class FlightNotifications implements AutoCloseable {
    private final RedisConnection redis;
    private final Scheduler scheduler;
    private final String channel;
    private final Consumer<String> onMessage;
    private volatile StatefulRedisPubSubConnection<String, String> pubSub;
    private volatile boolean closed;

    FlightNotifications(RedisConnection redis, Scheduler scheduler, String channel, Consumer<String> onMessage) {
        this.redis = redis;
        this.scheduler = scheduler;
        this.channel = channel;
        this.onMessage = onMessage;
    }

    /** Connects and subscribes in the background. */
    void subscribe() {
        if (closed) {
            return;
        }
        redis.connectPubSub().whenComplete((c, e) -> {
            if (e != null) {
                retrySubscribe();
                return;
            }
            if (closed) {
                c.closeAsync();
                return;
            }
            c.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String ch, String message) {
                    onMessage.accept(message);
                }
            });
            c.async().subscribe(channel).whenComplete((r, err) -> {
                if (err != null) {
                    c.closeAsync();
                    retrySubscribe();
                } else {
                    pubSub = c;
                }
            });
        });
    }

    private void retrySubscribe() {
        try {
            scheduler.schedule(this::subscribe, 1, TimeUnit.SECONDS);
        } catch (RuntimeException ignored) {
            // scheduler shut down: we are closing
        }
    }

    /** True once notifications arrive. */
    boolean subscribed() {
        StatefulRedisPubSubConnection<String, String> c = pubSub;
        return c != null && c.isOpen();
    }

    @Override
    public void close() {
        closed = true;
        StatefulRedisPubSubConnection<String, String> c = pubSub;
        if (c != null) {
            c.closeAsync();
        }
    }
}
