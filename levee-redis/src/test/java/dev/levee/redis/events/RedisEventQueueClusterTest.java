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
package dev.levee.redis.events;

import dev.levee.core.events.Delivery;
import dev.levee.core.events.Event;
import dev.levee.core.events.QueueCounts;
import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;
import dev.levee.redis.ClusterRedis;
import dev.levee.redis.RedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Redis Streams event queue on a real three-primary Redis Cluster: the fourteen keys of a queue on one slot
 * (every script touches them all), two instances sharing one queue's capacity and deliveries, and queues of
 * different names on different slots.
 */
class RedisEventQueueClusterTest {
    @RegisterExtension
    static final ClusterRedis CLUSTER = new ClusterRedis();
    static final Scheduler scheduler = Scheduler.system("queue-cluster-test");

    private final String prefix = "levee-test:" + UUID.randomUUID() + ":";
    private final List<RedisEventQueue> queues = new ArrayList<>();

    @AfterEach
    void close() {
        queues.forEach(RedisEventQueue::close);
    }

    private RedisEventQueue queue(RedisConnection redis, String name, String consumer, int capacity) {
        RedisEventQueue q = RedisEventQueue.builder(redis, name).prefix(prefix).consumer(consumer)
                .capacity(capacity).stallTimeout(Duration.ofSeconds(60)).deadLetterCapacity(10)
                .agingStep(Duration.ofMinutes(1)).operationTimeout(Duration.ofSeconds(10))
                .pollEvery(Duration.ofMillis(50)).time(Ticker.system(), scheduler).build();
        queues.add(q);
        return q;
    }

    private static Event event(String id, int priority) {
        return new Event(id, "t" + priority, priority, "{\"n\":\"" + id + "\"}", 1_700_000_000_000L);
    }

    @Test
    void twoInstancesShareCapacityAndDeliveriesOnOneSlot() {
        RedisEventQueue a = queue(CLUSTER.a(), "events", "a", 3);
        RedisEventQueue b = queue(CLUSTER.b(), "events", "b", 3);
        assertThat(a.enqueue(event("1", 5))).isTrue();
        assertThat(b.enqueue(event("2", 5))).isTrue();
        assertThat(a.enqueue(event("3", 1))).isTrue();
        assertThat(b.enqueue(event("4", 1))).as("the shared capacity is reached").isFalse();
        await().atMost(Duration.ofSeconds(30)).until(() -> a.depth() == 3 && b.depth() == 3);
        // b's worker takes what a accepted, highest priority first
        Delivery d = b.claim();
        assertThat(d.event()).isEqualTo(event("3", 1));
        b.ack(d);
        Delivery next = a.claim();
        assertThat(next.event().id()).isEqualTo("1");
        a.ack(next);
        assertThat(a.refreshDepth()).isEqualTo(1);
        QueueCounts c = b.readCounts();
        assertThat(c.enqueued()).isEqualTo(3);
        assertThat(c.completed()).isEqualTo(2);
        assertThat(c.waiting()).isEqualTo(1);

        Set<Long> slots = new HashSet<>();
        for (String key : a.keys()) {
            slots.add(CLUSTER.sync().clusterKeyslot(key));
        }
        assertThat(slots).as("one queue, one slot").hasSize(1);
    }

    @Test
    void concurrentEnqueuesFromTwoInstancesNeverPassTheCapacity() throws Exception {
        RedisEventQueue a = queue(CLUSTER.a(), "burst", "a", 100);
        RedisEventQueue b = queue(CLUSTER.b(), "burst", "b", 100);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger accepted = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(250);
        try {
            for (int i = 0; i < 250; i++) {
                int n = i;
                pool.execute(() -> {
                    try {
                        if ((n % 2 == 0 ? a : b).enqueue(event("e" + n, 1 + n % 10))) {
                            accepted.incrementAndGet();
                        }
                    } finally {
                        done.countDown();
                    }
                });
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdown();
        }
        assertThat(accepted).hasValue(100);
        assertThat(a.readCounts().depth()).isEqualTo(100);
    }

    @Test
    void queuesOfDifferentNamesLandOnMoreThanOnePrimary() {
        Set<Long> slots = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            RedisEventQueue q = queue(CLUSTER.a(), "tenant-" + i, "a", 10);
            assertThat(q.enqueue(event("x" + i, 3))).isTrue();
            Delivery d = q.claim();
            assertThat(d.event().id()).isEqualTo("x" + i);
            q.ack(d);
            slots.add(CLUSTER.sync().clusterKeyslot(q.keys().getFirst()));
        }
        assertThat(slots).hasSize(6);
        assertThat(CLUSTER.nodesHolding(prefix)).as("primaries holding queue keys").isGreaterThan(1);
    }
}
