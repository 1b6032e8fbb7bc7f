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
import dev.levee.core.events.EventQueue;
import dev.levee.core.events.QueueCounts;
import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;
import dev.levee.redis.Durability;
import dev.levee.redis.LuaScript;
import dev.levee.redis.RedisConnection;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.levee.core.internal.Arguments.positive;
import static dev.levee.core.internal.Arguments.required;
import static dev.levee.redis.events.EventQueueScripts.ACK;
import static dev.levee.redis.events.EventQueueScripts.CLAIM;
import static dev.levee.redis.events.EventQueueScripts.COUNTS;
import static dev.levee.redis.events.EventQueueScripts.DEAD;
import static dev.levee.redis.events.EventQueueScripts.ENQUEUE;
import static dev.levee.redis.events.EventQueueScripts.GROUP;
import static dev.levee.redis.events.EventQueueScripts.REPLAY;
import static dev.levee.redis.events.EventQueueScripts.RETRY;
import static java.util.Objects.requireNonNull;

/**
 * An {@link EventQueue} on Redis Streams, shared by every instance that uses the same {@code name}: events
 * survive an instance, and any instance's workers deliver them.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li><b>Layout.</b> One stream per priority ({@code <prefix>{ev:<name>}:p1} .. {@code :p10}) with one consumer
 *       group; a ZSET + HASH of delayed retries; a dead-letter stream; a HASH of totals. Every key carries the hash
 *       tag {@code {ev:<name>}} so each operation is one atomic Lua script on one slot (on Redis Cluster a queue
 *       lives on one shard).</li>
 *   <li><b>Exact shared depth.</b> An acked or dead-lettered entry is XACKed and XDELed at once, so
 *       {@code depth = sum(XLEN of the ten streams) + ZCARD(delayed)}: waiting and pending (active) entries of
 *       every instance plus retries. The enqueue script checks it against the capacity atomically;
 *       {@link #depth()} returns the value the last script (or the {@code poll-every} refresh) saw, so the
 *       pipeline's thresholds act on the shared depth without a round trip per request.</li>
 *   <li><b>Claim.</b> One script: promotes due retries, then (a reclaim pass, at most every
 *       {@code stallTimeout / 2}) XAUTOCLAIMs entries idle longer than {@code stallTimeout} in any consumer's
 *       pending list (a worker that died mid-delivery: its event is delivered again), as many as this instance has
 *       free workers ({@code workers} minus its deliveries in flight); the first is returned, the others are held
 *       locally and handed out by the next claims without a round trip. A pass that filled every free worker is
 *       followed by another at the next claim (more may be stalled), so a dead instance's backlog is taken over at
 *       the speed of the workers, not one entry per pass. Else it picks the best head by effective priority
 *       {@code max(1, p - waited / agingStep)} (the head's wait is read from its stream id, which is Redis time)
 *       and XREADGROUPs it. The attempt is the entry's earlier attempts plus the pending list's delivery counter,
 *       so redeliveries count.</li>
 *   <li><b>Retry.</b> The entry is XACKed + XDELed and kept in the delayed set until due; promotion XADDs it again
 *       at the tail of its stream (aging restarts, as in memory).</li>
 *   <li><b>Counts never block.</b> {@link #counts()} answers the counts the background poll (every
 *       {@code pollEvery}, async, one COUNTS script at a time) read last, so {@code /health}, {@code /metrics}
 *       and the dashboard never wait for Redis, frozen or not; {@link #countsAgeNanos()} says how old they are.
 *       {@link #readCounts()} is the exact, blocking read.</li>
 *   <li><b>Redis unreachable.</b> Operations never throw into the pipeline: enqueue answers false (the caller sees
 *       a rejection), claim answers null, counts answers the last counts read, and an ack/retry/dead-letter that
 *       fails leaves the entry pending, so XAUTOCLAIM delivers it again later (at-least-once).</li>
 *   <li><b>Waiting for replicas</b> ({@link Builder#waitForReplicas}): after the enqueue script, {@code WAIT n
 *       timeout} on a connection of its own (WAIT counts the writes of the connection it runs on, and blocks that
 *       connection until it answers, which on the shared one would hold every other command of the process).
 *       Fewer acknowledgements throw {@link EventNotDurableException}: written, but not promised. Enqueues are
 *       serialized on that connection, one replication round trip each.</li>
 *   <li><b>Durability warning.</b> When the connection reports {@link Durability#NONE} (no AOF, no replica; read
 *       at start and after every reconnect) a warning is logged: a Redis restart loses every queued event.</li>
 * </ul>
 */
public final class RedisEventQueue implements EventQueue, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisEventQueue.class);
    private final RedisConnection redis;
    /** Where enqueues are written: {@link #redis}, or a connection of their own when they WAIT for replicas. */
    private final RedisConnection writes;
    private final int waitReplicas;
    private final long waitMillis;
    private final int workers;
    private final String[] keys;
    private final int capacity;
    private final long agingMillis;
    private final int deadLetterCapacity;
    private final long stallMillis;
    private final String consumer;
    private final Ticker ticker;
    private final Scheduler scheduler;
    private final long pollNanos;
    private final long timeoutMillis;
    private final ClaimedDeliveries claimed = new ClaimedDeliveries();
    private volatile int depth;
    private volatile QueueCounts lastCounts = new QueueCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    private volatile long lastCountsAt = Long.MIN_VALUE; // ticker time of the last counts read; MIN_VALUE: never
    private final AtomicBoolean polling = new AtomicBoolean();
    private final Runnable stopDurabilityWarning;
    private volatile long nextReclaimAt = Long.MIN_VALUE;
    private volatile Runnable readyListener = () -> {};
    private volatile Scheduler.Cancellable poll;
    private volatile boolean closed;

    private RedisEventQueue(Builder b) {
        this.redis = b.redis;
        this.writes = b.waitConnection != null ? b.waitConnection : b.redis;
        this.waitReplicas = b.waitReplicas;
        this.waitMillis = b.waitTimeout == null ? 0 : b.waitTimeout.toMillis();
        this.workers = b.workers;
        this.capacity = b.capacity;
        this.agingMillis = Math.max(1, b.agingStep.toMillis());
        this.deadLetterCapacity = b.deadLetterCapacity;
        this.stallMillis = Math.max(1, b.stallTimeout.toMillis());
        this.consumer = b.consumer;
        this.ticker = b.ticker;
        this.scheduler = b.scheduler;
        this.pollNanos = b.pollEvery.toNanos();
        this.timeoutMillis = b.operationTimeout.toMillis();
        keys = EventQueueScripts.keys(b.prefix, b.name);
        for (LuaScript s : List.of(ENQUEUE, CLAIM, ACK, RETRY, DEAD, REPLAY, COUNTS)) {
            s.preload(redis);
        }
        if (writes != redis) {
            ENQUEUE.preload(writes);
        }
        String address = redis.address();
        stopDurabilityWarning = redis.onDurability(d -> {
            if (d == Durability.NONE) {
                log.warn("Redis at {} has neither AOF (appendonly) nor a connected replica: a restart of Redis loses "
                        + "every queued event (durability: none)", address);
            }
        });
        promoteAndNotify(); // first counts now, not a poll interval later
        schedulePoll();
    }

    public static Builder builder(RedisConnection redis, String name) {
        return new Builder(redis, name);
    }

    /** The Redis keys of this queue (streams p1..p10, delayed, delayed-data, dead, totals). */
    public List<String> keys() {
        return List.of(keys);
    }

    /** This instance's consumer name in the group. */
    public String consumer() {
        return consumer;
    }

    @Override
    public boolean blocking() {
        return true;
    }

    private <T> T call(LuaScript script, ScriptOutputType type, String... args) {
        return await(script.eval(redis, type, keys, args));
    }

    private <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            f.cancel(false);
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("Redis event queue: " + cause.getMessage(), cause);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws EventNotDurableException with {@link Builder#waitForReplicas}: written, but not acknowledged by the
     *                                  required replicas in time (the caller must not promise it)
     */
    @Override
    public boolean enqueue(Event event) {
        requireNonNull(event, "event");
        boolean added;
        try {
            CompletableFuture<List<Long>> f = ENQUEUE.eval(writes, ScriptOutputType.MULTI, keys,
                    Integer.toString(capacity), Integer.toString(event.priority()), event.id(), event.type(),
                    Long.toString(event.createdEpochMillis()), event.payload() == null ? "0" : "1",
                    event.payload() == null ? "" : event.payload());
            List<Long> r = await(f);
            depth = r.get(1).intValue();
            added = r.get(0) == 1L;
        } catch (RuntimeException e) {
            log.warn("event not enqueued in Redis ({}); refusing it", e.getMessage());
            return false;
        }
        if (added && waitReplicas > 0) {
            awaitReplicas();
        }
        return added;
    }

    /** WAIT on the connection that wrote the event: it counts that connection's writes, this one included. */
    private void awaitReplicas() {
        long acked;
        try {
            acked = await(writes.waitForReplication(waitReplicas, waitMillis));
        } catch (RuntimeException e) {
            throw new EventNotDurableException(waitReplicas, -1, waitMillis, e);
        }
        if (acked < waitReplicas) {
            throw new EventNotDurableException(waitReplicas, (int) acked, waitMillis, null);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public Delivery claim() {
        Delivery held = claimed.nextReclaimed();
        if (held != null) {
            return held; // already in active: claimed in Redis by the last reclaim pass
        }
        long now = ticker.read();
        boolean reclaim = now >= nextReclaimAt;
        int free = Math.max(1, workers - claimed.inFlight());
        if (reclaim) {
            nextReclaimAt = now + TimeUnit.MILLISECONDS.toNanos(Math.max(1, stallMillis / 2));
        }
        List<Object> r;
        try {
            r = call(CLAIM, ScriptOutputType.MULTI, GROUP, consumer, Long.toString(agingMillis), reclaim ? "1" : "0",
                    Long.toString(stallMillis), Integer.toString(free));
        } catch (RuntimeException e) {
            log.warn("claim from Redis failed ({}); will try again", e.getMessage());
            return null;
        }
        int p = ((Long) r.get(0)).intValue();
        if (p == 0) {
            depth = ((Long) r.get(1)).intValue();
            return null;
        }
        if (p < 0) {
            depth = ((Long) r.get(1)).intValue();
            List<Object> entries = (List<Object>) r.get(2);
            if (entries.size() >= free) {
                nextReclaimAt = Long.MIN_VALUE; // every free worker got one: more may be stalled, look again next time
            }
            Delivery first = null;
            for (Object o : entries) {
                List<Object> e = (List<Object>) o;
                Delivery d = claimed.claimed(((Long) e.get(0)).intValue(), (String) e.get(1),
                        ((Long) e.get(2)).intValue(), (List<Object>) e.get(3));
                if (first == null) {
                    first = d;
                } else {
                    claimed.holdReclaimed(d);
                }
            }
            log.info("reclaimed {} stalled deliveries (idle over {} ms)", entries.size(), stallMillis);
            return first;
        }
        depth = ((Long) r.get(4)).intValue();
        return claimed.claimed(p, (String) r.get(1), ((Long) r.get(2)).intValue(), (List<Object>) r.get(3));
    }

    @Override
    public void ack(Delivery delivery) {
        ClaimedDeliveries.Location l = claimed.take(delivery);
        try {
            depth = this.<Long>call(ACK, ScriptOutputType.INTEGER, GROUP, Integer.toString(l.priority()), l.id())
                    .intValue();
        } catch (RuntimeException e) {
            log.warn("ack of {} not recorded in Redis ({}); it will be delivered again", l.id(), e.getMessage());
        }
    }

    @Override
    public void retryLater(Delivery delivery, Duration delay, String reason) {
        ClaimedDeliveries.Location l = claimed.take(delivery);
        long delayMs = Math.max(0, (delay.toNanos() + 999_999) / 1_000_000);
        try {
            depth = this.<Long>call(RETRY, ScriptOutputType.INTEGER, GROUP, Integer.toString(l.priority()), l.id(),
                    Long.toString(delayMs), Integer.toString(delivery.attempt())).intValue();
            scheduler.schedule(this::promoteAndNotify, TimeUnit.MILLISECONDS.toNanos(delayMs) + 1_000_000,
                    TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            log.warn("retry of {} not recorded in Redis ({}); it will be delivered again", l.id(), e.getMessage());
        }
    }

    @Override
    public void deadLetter(Delivery delivery, String reason) {
        ClaimedDeliveries.Location l = claimed.take(delivery);
        try {
            depth = this.<Long>call(DEAD, ScriptOutputType.INTEGER, GROUP, Integer.toString(l.priority()), l.id(),
                    Integer.toString(delivery.attempt()), reason == null ? "" : reason,
                    Integer.toString(deadLetterCapacity)).intValue();
        } catch (RuntimeException e) {
            log.warn("dead letter {} not recorded in Redis ({}); it will be delivered again", l.id(), e.getMessage());
        }
    }

    @Override
    public List<DeadLetter> deadLetters(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        List<StreamMessage<String, String>> msgs;
        try {
            msgs = redis.streams().xrange(keys[EventQueueScripts.DEAD_LETTERS], Range.create("-", "+"),
                    io.lettuce.core.Limit.from(limit)).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Redis event queue: " + e.getMessage(), e);
        }
        List<DeadLetter> out = new ArrayList<>(msgs.size());
        for (StreamMessage<String, String> m : msgs) {
            Map<String, String> f = m.getBody();
            Event e = new Event(f.get("id"), f.get("type"), Integer.parseInt(f.get("p")), f.get("payload"),
                    Long.parseLong(f.get("created")));
            out.add(new DeadLetter(e, f.getOrDefault("reason", ""), Integer.parseInt(f.get("a")),
                    Long.parseLong(f.get("at"))));
        }
        return out;
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<String> replay(Collection<String> ids, int limit) {
        List<String> args = new ArrayList<>();
        args.add(Integer.toString(capacity));
        args.add(Integer.toString(Math.max(0, limit)));
        args.add(ids == null ? "1" : "0");
        if (ids != null) {
            args.addAll(ids);
        }
        List<Object> done = call(REPLAY, ScriptOutputType.MULTI, args.toArray(String[]::new));
        List<String> out = new ArrayList<>(done.size());
        done.forEach(o -> out.add((String) o));
        if (!out.isEmpty()) {
            refreshDepth();
            readyListener.run();
        }
        return out;
    }

    @Override
    public int depth() {
        return depth;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    /**
     * The counts the background poll read last (one atomic script, at most {@code pollEvery} plus a round trip
     * old while Redis answers; see {@link #countsAgeNanos()}): never a Redis round trip, so callers on an event
     * loop (health, metrics, the dashboard) never wait for Redis, and while Redis is unreachable they keep
     * answering with the last counts (the store's health says DEGRADED then).
     */
    @Override
    public QueueCounts counts() {
        return lastCounts;
    }

    /** Ticker nanos since {@link #counts()} was last read from Redis, or -1 if it never was. */
    public long countsAgeNanos() {
        long at = lastCountsAt;
        return at == Long.MIN_VALUE ? -1 : Math.max(0, ticker.read() - at);
    }

    /** One exact, atomic read of every count now: a blocking Redis round trip (not on an event loop). */
    public QueueCounts readCounts() {
        QueueCounts c = toCounts(countsNow(false));
        lastCounts = c;
        lastCountsAt = ticker.read();
        return c;
    }

    private static QueueCounts toCounts(List<Long> c) {
        return new QueueCounts(c.get(0).intValue(), c.get(1).intValue(), c.get(2).intValue(), c.get(3), c.get(4),
                c.get(5), c.get(6).intValue(), c.get(7), c.get(8), c.get(9));
    }

    private List<Long> countsNow(boolean promote) {
        List<Long> c = call(COUNTS, ScriptOutputType.MULTI, GROUP, promote ? "1" : "0");
        depth = (int) (c.get(0) + c.get(1) + c.get(2));
        return c;
    }

    /** Re-reads the shared depth now (other instances change it too). */
    public int refreshDepth() {
        countsNow(false);
        return depth;
    }

    @Override
    public void onReady(Runnable listener) {
        this.readyListener = requireNonNull(listener, "listener");
    }

    /**
     * Non-blocking (runs on the scheduler's thread, the answer on Lettuce's): promotes due retries, refreshes the
     * depth and the counts, wakes workers. One at a time: while Redis does not answer, polls are skipped rather
     * than piled up behind the command timeout.
     */
    private void promoteAndNotify() {
        if (closed || !polling.compareAndSet(false, true)) {
            return;
        }
        COUNTS.<List<Long>>eval(redis, ScriptOutputType.MULTI, keys, GROUP, "1").whenComplete((c, e) -> {
            polling.set(false);
            if (e != null) {
                log.debug("event queue poll failed", e);
                return;
            }
            depth = (int) (c.get(0) + c.get(1) + c.get(2));
            lastCounts = toCounts(c);
            lastCountsAt = ticker.read();
            boolean stalledMayWait = c.get(1) > 0 && ticker.read() >= nextReclaimAt;
            if (c.get(0) > 0 || c.get(10) > 0 || stalledMayWait) {
                readyListener.run();
            }
        });
    }

    /**
     * Every {@code pollEvery}: re-read the shared depth, promote due retries, and wake the workers when events
     * are waiting (enqueued by another instance, or stalled deliveries to reclaim).
     */
    private void schedulePoll() {
        if (closed) {
            return;
        }
        poll = scheduler.schedule(() -> {
            promoteAndNotify();
            schedulePoll();
        }, pollNanos, TimeUnit.NANOSECONDS);
    }

    /** Stops polling (the data stays in Redis; the connection belongs to the caller). */
    @Override
    public void close() {
        closed = true;
        stopDurabilityWarning.run();
        Scheduler.Cancellable p = poll;
        if (p != null) {
            p.cancel();
        }
    }

    public static final class Builder {
        private final RedisConnection redis;
        private final String name;
        private String prefix = "levee:";
        private int capacity = 100_000;
        private Duration agingStep = Duration.ofSeconds(10);
        private int deadLetterCapacity = 10_000;
        private Duration stallTimeout = Duration.ofSeconds(60);
        private Duration pollEvery = Duration.ofMillis(200);
        private Duration operationTimeout = Duration.ofSeconds(2);
        private String consumer = java.util.UUID.randomUUID().toString();
        private Ticker ticker = Ticker.system();
        private Scheduler scheduler;
        private int workers = 1;
        private int waitReplicas;
        private Duration waitTimeout;
        private RedisConnection waitConnection;

        private Builder(RedisConnection redis, String name) {
            this.redis = requireNonNull(redis, "redis");
            this.name = requireNonNull(name, "name");
        }

        public Builder prefix(String prefix) {
            this.prefix = requireNonNull(prefix, "prefix");
            return this;
        }

        public Builder capacity(int capacity) {
            this.capacity = positive("capacity", capacity);
            return this;
        }

        public Builder agingStep(Duration agingStep) {
            this.agingStep = positive("agingStep", agingStep);
            return this;
        }

        public Builder deadLetterCapacity(int deadLetterCapacity) {
            this.deadLetterCapacity = positive("deadLetterCapacity", deadLetterCapacity);
            return this;
        }

        /** A delivery pending longer than this is taken as stalled (its worker died) and delivered again. */
        public Builder stallTimeout(Duration stallTimeout) {
            this.stallTimeout = positive("stallTimeout", stallTimeout);
            return this;
        }

        public Builder pollEvery(Duration pollEvery) {
            this.pollEvery = positive("pollEvery", pollEvery);
            return this;
        }

        public Builder operationTimeout(Duration operationTimeout) {
            this.operationTimeout = positive("operationTimeout", operationTimeout);
            return this;
        }

        /** This instance's consumer name (default: a random UUID). */
        public Builder consumer(String consumer) {
            this.consumer = requireNonNull(consumer, "consumer");
            return this;
        }

        /** This instance's delivery workers: a reclaim pass takes over up to this many stalled entries. */
        public Builder workers(int workers) {
            this.workers = positive("workers", workers);
            return this;
        }

        /**
         * Before {@link #enqueue} answers true, wait up to {@code timeout} for {@code replicas} replicas to
         * acknowledge the write ({@code WAIT}), on {@code connection}: one of its own, to the same Redis (not the
         * shared one: WAIT blocks the connection it runs on). Fewer acknowledgements throw
         * {@link EventNotDurableException}. {@code timeout} must be below the connection's command timeout.
         */
        public Builder waitForReplicas(int replicas, Duration timeout, RedisConnection connection) {
            this.waitReplicas = positive("replicas", replicas);
            this.waitTimeout = positive("timeout", timeout);
            this.waitConnection = requireNonNull(connection, "connection");
            return this;
        }

        public Builder time(Ticker ticker, Scheduler scheduler) {
            this.ticker = requireNonNull(ticker, "ticker");
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        public RedisEventQueue build() {
            required("scheduler", scheduler, "time(ticker, scheduler)");
            return new RedisEventQueue(this);
        }

    }
}
