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

import dev.levee.core.events.DeadLetter;
import dev.levee.core.events.Delivery;
import dev.levee.core.events.Event;
import dev.levee.core.events.QueueCounts;
import dev.levee.core.time.ManualTicker;
import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;
import dev.levee.redis.LocalRedis;
import dev.levee.redis.RedisConnection;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.models.stream.PendingMessage;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Against the machine's Redis; each test uses its own key prefix and deletes its keys. */
class RedisEventQueueTest {
    static RedisConnection redis;
    static RedisCommands<String, String> sync;
    static final Scheduler scheduler = Scheduler.system("test-queue-poll");

    String prefix;
    final List<RedisEventQueue> queues = new ArrayList<>();

    @RegisterExtension
    static final LocalRedis LOCAL = new LocalRedis();

    @BeforeAll
    static void connect() {
        redis = LOCAL.connection();
        sync = LOCAL.sync();
    }

    @BeforeEach
    void setUp() {
        prefix = "levee-test:" + UUID.randomUUID() + ":";
    }

    @AfterEach
    void cleanUp() {
        queues.forEach(RedisEventQueue::close);
        List<String> keys = new ArrayList<>();
        sync.scan(keys::add, ScanArgs.Builder.matches(prefix + "*").limit(1000));
        if (!keys.isEmpty()) {
            sync.del(keys.toArray(String[]::new));
        }
    }

    private RedisEventQueue queue(String consumer, int capacity, Duration stall, int dlq) {
        RedisEventQueue q = RedisEventQueue.builder(redis, "events").prefix(prefix).consumer(consumer)
                .capacity(capacity).stallTimeout(stall).deadLetterCapacity(dlq).agingStep(Duration.ofMinutes(1))
                .pollEvery(Duration.ofMillis(50)).time(Ticker.system(), scheduler).build();
        queues.add(q);
        return q;
    }

    private static Event event(String id, int priority) {
        return new Event(id, "t" + priority, priority, "{\"n\":\"" + id + "\"}", 1_700_000_000_000L);
    }

    private static void assertInvariant(QueueCounts c) {
        assertThat(c.enqueued() + c.replayed())
                .isEqualTo(c.waiting() + c.active() + c.delayed() + c.completed() + c.deadLettered());
    }

    @Test
    void priorityFirstFifoWithinAPriorityAndExactCounts() {
        RedisEventQueue q = queue("a", 100, Duration.ofSeconds(60), 10);
        assertThat(q.blocking()).isTrue();
        q.enqueue(event("low", 10));
        q.enqueue(event("n1", 5));
        q.enqueue(event("crit", 1));
        q.enqueue(event("n2", 5));
        assertThat(q.depth()).isEqualTo(4);

        Delivery d1 = q.claim();
        Delivery d2 = q.claim();
        assertThat(d1.event()).isEqualTo(event("crit", 1));
        assertThat(d1.attempt()).isEqualTo(1);
        assertThat(d2.event().id()).isEqualTo("n1");
        QueueCounts c = q.readCounts();
        assertThat(c.waiting()).isEqualTo(2);
        assertThat(c.active()).isEqualTo(2);
        assertThat(c.enqueued()).isEqualTo(4);
        q.ack(d1);
        q.ack(d2);
        assertThat(q.claim().event().id()).isEqualTo("n2");
        assertThat(q.claim().event().id()).isEqualTo("low");
        assertThat(q.claim()).isNull();
        c = q.readCounts();
        assertThat(c.completed()).isEqualTo(2);
        assertThat(c.active()).isEqualTo(2);
        assertThat(c.depth()).isEqualTo(2).isEqualTo(q.depth());
        assertInvariant(c);
    }

    @Test
    void depthAndCapacityAreSharedByInstances() {
        RedisEventQueue a = queue("a", 3, Duration.ofSeconds(60), 10);
        RedisEventQueue b = queue("b", 3, Duration.ofSeconds(60), 10);
        assertThat(a.enqueue(event("1", 5))).isTrue();
        assertThat(b.enqueue(event("2", 5))).isTrue();
        assertThat(a.enqueue(event("3", 1))).isTrue();
        assertThat(b.enqueue(event("4", 1))).as("the shared capacity is reached").isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> a.depth() == 3 && b.depth() == 3);
        // b's worker takes what a accepted
        Delivery d = b.claim();
        assertThat(d.event().id()).isEqualTo("3");
        b.ack(d);
        assertThat(a.refreshDepth()).isEqualTo(2);
    }

    @Test
    void concurrentEnqueuesNeverPassTheCapacity() throws Exception {
        RedisEventQueue a = queue("a", 150, Duration.ofSeconds(60), 10);
        RedisEventQueue b = queue("b", 150, Duration.ofSeconds(60), 10);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger accepted = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(400);
        for (int i = 0; i < 400; i++) {
            int n = i;
            pool.execute(() -> {
                if ((n % 2 == 0 ? a : b).enqueue(event("e" + n, 1 + n % 10))) {
                    accepted.incrementAndGet();
                }
                done.countDown();
            });
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        pool.shutdown();
        assertThat(accepted.get()).isEqualTo(150);
        assertThat(a.readCounts().depth()).isEqualTo(150);
    }

    @Test
    void concurrentConsumersClaimEachEventExactlyOnce() throws Exception {
        int events = 300;
        List<RedisEventQueue> consumers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            consumers.add(queue("c" + i, 1_000, Duration.ofSeconds(60), 10));
        }
        for (int i = 0; i < events; i++) {
            assertThat(consumers.get(i % 4).enqueue(event("e" + i, 1 + i % 10))).isTrue();
        }
        java.util.Map<String, Integer> claimed = new java.util.concurrent.ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        CountDownLatch done = new CountDownLatch(12);
        for (int t = 0; t < 12; t++) {
            RedisEventQueue q = consumers.get(t % 4);
            pool.execute(() -> {
                try {
                    Delivery d;
                    while ((d = q.claim()) != null) {
                        claimed.merge(d.event().id(), 1, Integer::sum);
                        if (d.event().priority() % 3 == 0 && d.attempt() == 1) {
                            q.retryLater(d, Duration.ofMillis(1), "again");
                        } else {
                            q.ack(d);
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        // retried events come back after their delay: drain them too
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Delivery d;
            while ((d = consumers.get(0).claim()) != null) {
                claimed.merge(d.event().id(), 1, Integer::sum);
                consumers.get(0).ack(d);
            }
            return consumers.get(0).readCounts().depth() == 0;
        });
        pool.shutdown();
        QueueCounts c = consumers.get(0).readCounts();
        assertThat(c.completed()).isEqualTo(events);
        assertThat(claimed).hasSize(events);
        long retried = java.util.stream.IntStream.range(0, events).filter(i -> (1 + i % 10) % 3 == 0).count();
        assertThat(c.failed()).isEqualTo(retried);
        assertThat(claimed.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(events + (int) retried);
        claimed.forEach((id, n) -> assertThat(n).as(id).isLessThanOrEqualTo(2));
        assertInvariant(c);
    }

    @Test
    void aDeliveryWhoseWorkerDiedIsDeliveredAgainWithItsCount() {
        RedisEventQueue dying = queue("worker-dies", 100, Duration.ofSeconds(2), 10);
        RedisEventQueue survivor = queue("worker-lives", 100, Duration.ofSeconds(2), 10);
        dying.enqueue(event("x", 5));
        Delivery first = dying.claim();
        assertThat(first.attempt()).isEqualTo(1);
        dying.close(); // killed mid-delivery: never acks

        assertThat(survivor.claim()).as("not stalled yet").isNull();
        List<Delivery> got = new CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            Delivery d = survivor.claim();
            if (d != null) {
                got.add(d);
            }
            return !got.isEmpty();
        });
        Delivery again = got.get(0);
        assertThat(again.event()).isEqualTo(first.event());
        assertThat(again.attempt()).as("the stream's delivery counter counts the lost attempt").isEqualTo(2);
        QueueCounts c = survivor.readCounts();
        assertThat(c.active()).isEqualTo(1);
        survivor.ack(again);
        c = survivor.readCounts();
        assertThat(c.completed()).isEqualTo(1);
        assertThat(c.depth()).isZero();
        assertInvariant(c);
    }

    /** The pending entries of every priority stream, as XPENDING reports them. */
    private List<PendingMessage> pending(RedisEventQueue q) {
        List<PendingMessage> out = new ArrayList<>();
        for (String stream : q.keys().subList(0, 10)) {
            if (sync.exists(stream) == 1) {
                out.addAll(sync.xpending(stream, "levee-workers", Range.create("-", "+"), Limit.from(1000)));
            }
        }
        return out;
    }

    /** Sets the idle time of {@code q}'s pending entries (XCLAIM to the same consumer with IDLE): no waiting. */
    private void idleForTenMinutes(RedisEventQueue q) {
        for (String stream : q.keys().subList(0, 10)) {
            if (sync.exists(stream) == 1) {
                for (PendingMessage m : sync.xpending(stream, "levee-workers", Range.create("-", "+"),
                        Limit.from(1000))) {
                    sync.xclaim(stream, io.lettuce.core.Consumer.from("levee-workers", m.getConsumer()),
                            XClaimArgs.Builder.minIdleTime(0).idle(Duration.ofMinutes(10)).retryCount(1), m.getId());
                }
            }
        }
    }

    @Test
    void oneReclaimPassTakesOverAsManyStalledDeliveriesAsThereAreFreeWorkers() {
        int n = 6;
        RedisEventQueue dying = queue("dies-with-six", 100, Duration.ofMinutes(1), 10);
        for (int i = 0; i < n; i++) {
            dying.enqueue(event("s" + i, 1 + i % 3));
        }
        for (int i = 0; i < n; i++) {
            assertThat(dying.claim()).isNotNull();
        }
        dying.close(); // killed with six deliveries in flight
        idleForTenMinutes(dying); // stalled: idle in Redis longer than the survivor's stall timeout

        ManualTicker ticker = new ManualTicker();
        RedisEventQueue survivor = RedisEventQueue.builder(redis, "events").prefix(prefix).consumer("survivor")
                .capacity(100).stallTimeout(Duration.ofMinutes(1)).agingStep(Duration.ofMinutes(1))
                .pollEvery(Duration.ofHours(1)).workers(n).time(ticker, ticker).build();
        queues.add(survivor);

        Delivery first = survivor.claim(); // the reclaim pass: all six free workers get one
        assertThat(first).isNotNull();
        assertThat(pending(survivor)).hasSize(n)
                .allSatisfy(m -> assertThat(m.getConsumer()).isEqualTo("survivor"));
        Set<String> ids = new HashSet<>();
        ids.add(first.event().id());
        for (int i = 1; i < n; i++) {
            Delivery d = survivor.claim();
            assertThat(d.attempt()).as("the lost attempt counts").isEqualTo(2);
            ids.add(d.event().id());
        }
        assertThat(ids).containsExactlyInAnyOrder("s0", "s1", "s2", "s3", "s4", "s5");
        assertThat(survivor.claim()).as("nothing else waits or is stalled").isNull();
        QueueCounts c = survivor.readCounts();
        assertThat(c.active()).isEqualTo(n);
        assertInvariant(c);
    }

    @Test
    void aReclaimPassTakesNoMoreThanTheFreeWorkers() {
        RedisEventQueue dying = queue("dies-with-three", 100, Duration.ofMinutes(1), 10);
        for (int i = 0; i < 3; i++) {
            dying.enqueue(event("f" + i, 5));
            dying.claim();
        }
        dying.close();
        idleForTenMinutes(dying);
        ManualTicker ticker = new ManualTicker();
        RedisEventQueue survivor = RedisEventQueue.builder(redis, "events").prefix(prefix).consumer("two-workers")
                .capacity(100).stallTimeout(Duration.ofMinutes(1)).agingStep(Duration.ofMinutes(1))
                .pollEvery(Duration.ofHours(1)).workers(2).time(ticker, ticker).build();
        queues.add(survivor);

        Delivery a = survivor.claim();
        assertThat(pending(survivor)).filteredOn(m -> m.getConsumer().equals("two-workers")).hasSize(2);
        Delivery b = survivor.claim(); // held from the pass
        assertThat(pending(survivor)).filteredOn(m -> m.getConsumer().equals("two-workers")).hasSize(2);
        survivor.ack(a);
        // the pass filled both workers, so the next claim looks again: one free worker, one entry
        Delivery c = survivor.claim();
        assertThat(Set.of(a.event().id(), b.event().id(), c.event().id())).containsExactlyInAnyOrder("f0", "f1", "f2");
    }

    @Test
    void retriesAreDelayedThenDeadLetteredAndReplayed() {
        RedisEventQueue q = queue("a", 100, Duration.ofSeconds(60), 10);
        CountDownLatch ready = new CountDownLatch(1);
        q.onReady(ready::countDown);
        q.enqueue(event("r", 5));
        Delivery d = q.claim();
        q.retryLater(d, Duration.ofMillis(200), "503 from sink");
        QueueCounts c = q.readCounts();
        assertThat(c.delayed()).isEqualTo(1);
        assertThat(c.failed()).isEqualTo(1);
        assertThat(c.depth()).isEqualTo(1);
        assertThat(q.claim()).as("still delayed").isNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> ready.getCount() == 0);

        Delivery second = q.claim();
        assertThat(second.event().id()).isEqualTo("r");
        assertThat(second.attempt()).isEqualTo(2);
        q.deadLetter(second, "still 503");
        c = q.readCounts();
        assertThat(c.deadLettered()).isEqualTo(1);
        assertThat(c.deadLetters()).isEqualTo(1);
        assertThat(c.depth()).isZero();
        assertInvariant(c);
        List<DeadLetter> dl = q.deadLetters(10);
        assertThat(dl).hasSize(1);
        assertThat(dl.get(0).event()).isEqualTo(event("r", 5));
        assertThat(dl.get(0).reason()).isEqualTo("still 503");
        assertThat(dl.get(0).attempts()).isEqualTo(2);

        assertThat(q.replay(Set.of("r"), 10)).containsExactly("r");
        Delivery replayed = q.claim();
        assertThat(replayed.event().id()).isEqualTo("r");
        assertThat(replayed.attempt()).isEqualTo(1);
        q.ack(replayed);
        c = q.readCounts();
        assertThat(c.replayed()).isEqualTo(1);
        assertThat(c.completed()).isEqualTo(1);
        assertInvariant(c);
    }

    @Test
    void theDeadLetterStreamIsBounded() {
        RedisEventQueue q = queue("a", 100, Duration.ofSeconds(60), 2);
        for (int i = 0; i < 3; i++) {
            q.enqueue(event("d" + i, 5));
            q.deadLetter(q.claim(), "bad");
        }
        QueueCounts c = q.readCounts();
        assertThat(c.deadLetters()).isEqualTo(2);
        assertThat(c.evicted()).isEqualTo(1);
        assertThat(q.deadLetters(10)).extracting(x -> x.event().id()).containsExactly("d1", "d2");
    }
}
