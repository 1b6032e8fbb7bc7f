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

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static dev.levee.core.internal.Arguments.positive;

/**
 * The in-memory {@link WindowStore}: one exact sliding log per key.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li><b>Log.</b> A key's log is {@code inFlight} (calls granted and not yet ended) plus a ring of end times of
 *       ended calls, in end order. A call is counted while in flight and until {@code window} after its end; the
 *       ring only grows to the number of calls inside one window (at most {@code limit}), so memory follows the
 *       traffic, not the configured limit. Times passed in are clamped to the log's latest time, so the ring
 *       stays sorted even when threads read the ticker in one order and take the lock in another.</li>
 *   <li><b>Bounded keys, safe eviction.</b> At most {@code maxKeys} logs. Eviction takes the log's lock, checks
 *       it is idle (nothing in flight, nothing in the window, no decision for two windows), marks it removed and unmaps it; a decision
 *       that finds its log removed looks it up again. So a key with calls in its window is never evicted and no
 *       two logs ever exist for one key at once. Caffeine is not used here because a size-bounded Caffeine cache
 *       may evict an active entry (losing its log would let the key exceed its limit).</li>
 *   <li><b>All keys active: limit locally.</b> When the map is full and a sweep frees nothing (a flood of junk keys,
 *       each called once, keeps every log busy for its window), a new key is neither refused nor given a log: it is
 *       counted in the shared {@link Overflow}, a count-min sketch of ended calls over the last two windows plus an
 *       exact count of calls in flight. A sketch only ever overestimates a key's count (other keys' calls can share
 *       its counters, its own are always there), so an overflow key still never exceeds its limit, while a
 *       legitimate cold key is refused only if its counters collide in every row with keys that together reached
 *       the limit: with counters per row &gt;= {@code maxKeys}, a flood of ten times {@code maxKeys} junk calls per
 *       window leaves a handful of counts per counter against a limit of 50. (The shared overflow log this replaces
 *       gave all overflow keys one budget of {@code limit} calls: 60 junk calls spent it and every real key got
 *       429.) Ended calls are counted from their end in the generation of their end time and dropped two
 *       generations later, so each stays counted for at least one window after it ended. As soon as a log is free,
 *       such a key gets a log of its own (once none of its calls is in flight in the overflow), seeded with its
 *       sketch estimate of ended calls, stamped with the latest end the sketch holds: never fewer calls, never
 *       earlier ends, so the move never lets it exceed its limit. Creating a log and deciding on the overflow both
 *       hold the overflow lock, so a key's calls are never split between the two without being counted. The hash
 *       is seeded per store at random, so a client cannot pick keys that collide with a given one.</li>
 *   <li><b>Sweeps.</b> Idle logs are removed by {@link #expireIdle} (the limiter calls it periodically) and on
 *       demand when the map is full; an on-demand sweep is not repeated before the earliest time a log it saw can
 *       become idle, nor within 100 ms, so a full map under churn costs one O(maxKeys) sweep per 100 ms at most.</li>
 * </ul>
 */
final class MemoryWindowStore implements WindowStore {

    private static final long MIN_SWEEP_GAP_NANOS = 100_000_000L;

    private final int maxKeys;
    private final ConcurrentHashMap<String, Log> logs = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final Overflow overflow;
    private final AtomicLong overflowDecisions = new AtomicLong();
    private volatile long nextSweepAt = Long.MIN_VALUE;

    MemoryWindowStore(int maxKeys) {
        this.maxKeys = positive("maxKeys", maxKeys);
        this.overflow = new Overflow(maxKeys);
    }

    /** One key's log; every field is guarded by the log's monitor. */
    static final class Log {
        private long[] ends = new long[4];
        private int head;
        private int size;
        private int inFlight;
        private long windowNanos;
        private long latest = Long.MIN_VALUE;
        private long lastDecision = Long.MIN_VALUE;
        private boolean removed;

        /** A new key's log starts with the calls the overflow counted for it, ended at {@code endedAt}. */
        private void seed(int calls, long endedAt, long window) {
            windowNanos = window;
            latest = Math.max(latest, endedAt);
            for (int i = 0; i < calls; i++) {
                append(endedAt);
            }
        }

        private void started() {
            inFlight++;
        }

        /** Returns false if no call was in flight. */
        private boolean ended() {
            if (inFlight == 0) {
                return false;
            }
            inFlight--;
            return true;
        }

        private long clamp(long now) {
            if (now > latest) {
                latest = now;
            }
            return latest;
        }

        private void trim(long now) {
            while (size > 0 && ends[head] + windowNanos <= now) {
                head = (head + 1) & (ends.length - 1);
                size--;
            }
        }

        private void append(long end) {
            if (size == ends.length) {
                long[] grown = new long[ends.length * 2];
                for (int i = 0; i < size; i++) {
                    grown[i] = ends[(head + i) & (ends.length - 1)];
                }
                ends = grown;
                head = 0;
            }
            ends[(head + size) & (ends.length - 1)] = end;
            size++;
        }

        private int count(long now) {
            trim(now);
            return size + inFlight;
        }

        /**
         * When this log becomes idle if nothing else happens: nothing in flight, nothing in the window, and no
         * decision (granted or denied) for two windows. A waiting key asks again when its window frees, at most
         * one window after its last answer, so it keeps its log even at the instant its last calls leave the
         * window. MAX_VALUE while calls are in flight.
         */
        private long idleAt() {
            if (inFlight > 0) {
                return Long.MAX_VALUE;
            }
            long asked = lastDecision == Long.MIN_VALUE ? Long.MIN_VALUE : lastDecision + 2 * windowNanos;
            long ended = size == 0 ? Long.MIN_VALUE : ends[(head + size - 1) & (ends.length - 1)] + windowNanos;
            return Math.max(asked, ended);
        }
    }

    @Override
    public CompletionStage<WindowDecision> tryAcquire(String key, int limit, Duration window, long nowNanos) {
        return CompletableFuture.completedFuture(decide(key, limit, window.toNanos(), nowNanos));
    }

    /** The decision itself, synchronous (the limiter and benchmarks use it without a future). */
    WindowDecision decide(String key, int limit, long windowNanos, long nowNanos) {
        while (true) {
            Log log = logs.get(key);
            if (log == null) {
                log = create(key, limit, windowNanos, nowNanos);
            }
            if (log == null) {
                synchronized (overflow) {
                    if (logs.containsKey(key)) { // got a log of its own meanwhile
                        continue;
                    }
                    overflowDecisions.incrementAndGet();
                    return overflow.decide(key, limit, windowNanos, nowNanos);
                }
            }
            synchronized (log) {
                if (log.removed) {
                    continue;
                }
                return decide(log, limit, windowNanos, nowNanos);
            }
        }
    }

    private static WindowDecision decide(Log log, int limit, long windowNanos, long nowNanos) {
        long now = log.clamp(nowNanos);
        log.windowNanos = windowNanos;
        log.lastDecision = now;
        int used = log.count(now);
        if (used < limit) {
            log.started();
            return new WindowDecision(true, used + 1, 0, 0);
        }
        // full: the earliest slot frees when the oldest ended call leaves the window; with every slot in flight,
        // no slot can free before one window from now
        long retry = log.size > 0 ? log.ends[log.head] + windowNanos - now : windowNanos;
        return new WindowDecision(false, used, Math.max(1, retry), 0);
    }

    /** The key's own log, new if the map has room, or null: the key is counted in the overflow. */
    private Log create(String key, int limit, long windowNanos, long now) {
        synchronized (overflow) {
            Log existing = logs.get(key);
            if (existing != null) {
                return existing;
            }
            if (overflow.inFlight(key) > 0) {
                return null; // its calls in flight are counted there until they end
            }
            if (size.get() >= maxKeys && now >= nextSweepAt) {
                sweep(now, true);
            }
            if (size.get() >= maxKeys) {
                return null;
            }
            Log log = new Log();
            log.seed(Math.min(limit, overflow.endedEstimate(key, windowNanos, now)), overflow.latestEnd(now),
                    windowNanos);
            logs.put(key, log);
            size.incrementAndGet();
            return log;
        }
    }

    private void sweep(long now, boolean onDemand) {
        long earliest = Long.MAX_VALUE;
        for (Map.Entry<String, Log> e : logs.entrySet()) {
            Log log = e.getValue();
            synchronized (log) {
                if (log.removed) {
                    continue;
                }
                long t = log.clamp(now);
                log.trim(t);
                long idleAt = log.idleAt();  // nothing in flight or in the window, not asked for a window
                if (idleAt <= t) {
                    log.removed = true;
                    logs.remove(e.getKey(), log);
                    size.decrementAndGet();
                } else {
                    earliest = Math.min(earliest, idleAt == Long.MAX_VALUE ? t + log.windowNanos : idleAt);
                }
            }
        }
        if (onDemand) {
            nextSweepAt = Math.max(earliest, now + MIN_SWEEP_GAP_NANOS); // bounded sweep rate under churn
        }
    }

    @Override
    public void callEnded(String key, WindowDecision grant, long nowNanos) {
        if (!endInOverflow(key, nowNanos, true)) {
            Log log = logs.get(key);
            if (log != null) {
                synchronized (log) {
                    if (log.ended()) {
                        log.append(log.clamp(nowNanos));
                    }
                }
            }
        }
    }

    @Override
    public void refund(String key, WindowDecision grant, long nowNanos) {
        if (!endInOverflow(key, nowNanos, false)) {
            Log log = logs.get(key);
            if (log != null) {
                synchronized (log) {
                    log.ended();
                }
            }
        }
    }

    /**
     * Ends a call of {@code key} recorded in the overflow, if it was recorded there. A log with calls in flight is
     * never evicted, and a key with calls in flight in the overflow does not get a log of its own until they end,
     * so a key without a log had its call recorded in the overflow.
     */
    private boolean endInOverflow(String key, long now, boolean counted) {
        if (logs.containsKey(key)) {
            return false;
        }
        synchronized (overflow) {
            if (logs.containsKey(key)) {
                return false;
            }
            overflow.end(key, now, counted);
            return true;
        }
    }

    @Override
    public OptionalInt peekCount(String key, Duration window, long nowNanos) {
        Log log = logs.get(key);
        if (log == null) {
            return OptionalInt.of(0);
        }
        synchronized (log) {
            return OptionalInt.of(log.removed ? 0 : log.count(log.clamp(nowNanos)));
        }
    }

    @Override
    public OptionalLong peekRetryAfter(String key, int limit, Duration window, long nowNanos) {
        Log log = logs.get(key);
        if (log == null) {
            synchronized (overflow) {
                return OptionalLong.of(overflow.retryAfter(key, limit, window.toNanos(), nowNanos));
            }
        }
        synchronized (log) {
            long now = log.clamp(nowNanos);
            if (log.removed || log.count(now) < limit) {
                return OptionalLong.of(0);
            }
            long w = window.toNanos();
            return OptionalLong.of(log.size > 0 ? Math.max(1, log.ends[log.head] + w - now) : w);
        }
    }

    @Override
    public void expireIdle(long nowNanos) {
        synchronized (overflow) {
            sweep(nowNanos, false);
        }
    }

    @Override
    public int size() {
        return size.get();
    }

    String debug(String key) {
        Log log = logs.get(key);
        String o;
        synchronized (overflow) {
            o = " overflow: inFlight=" + overflow.inFlight(key);
        }
        if (log == null) {
            return "store " + key + ": no log," + o;
        }
        synchronized (log) {
            return "store " + key + ": inFlight=" + log.inFlight + " size=" + log.size + " removed=" + log.removed + o;
        }
    }

    /** Decisions made on the shared overflow because every log was active (for reporting). */
    long overflowDecisions() {
        return overflowDecisions.get();
    }

    /**
     * Where keys without a log are counted: calls in flight exactly per key, ended calls in a count-min sketch per
     * window length (the routes' windows; usually one). Guarded by its own monitor.
     */
    static final class Overflow {
        private static final int DEPTH = 4;

        private final int width;
        private final int maxInFlightKeys;
        private final long seed;
        private final Map<String, InFlight> inFlight = new HashMap<>();
        private final Map<Long, Sketch> sketches = new HashMap<>();
        private long latestEnd = Long.MIN_VALUE;

        Overflow(int maxKeys) {
            this.width = Integer.highestOneBit(Math.clamp(maxKeys, 256, 1 << 16) * 2 - 1);
            this.maxInFlightKeys = maxKeys;
            this.seed = new SecureRandom().nextLong();
        }

        private static final class InFlight {
            final long windowNanos;
            int calls;

            InFlight(long windowNanos) {
                this.windowNanos = windowNanos;
            }
        }

        /** Two generations of counters, each {@code window} long: ended calls of the last one to two windows. */
        private final class Sketch {
            final long windowNanos;
            int[] current = new int[DEPTH * width];
            int[] previous = new int[DEPTH * width];
            long generation = Long.MIN_VALUE;

            Sketch(long windowNanos) {
                this.windowNanos = windowNanos;
            }

            void rotate(long now) {
                long g = Math.floorDiv(now, windowNanos);
                if (g <= generation) {
                    return;
                }
                int[] recycled = previous;
                Arrays.fill(recycled, 0);
                if (g == generation + 1) {
                    previous = current;
                } else {
                    Arrays.fill(current, 0);
                    previous = current;
                }
                current = recycled;
                generation = g;
            }

            int estimate(long h1, long h2) {
                int min = Integer.MAX_VALUE;
                for (int row = 0; row < DEPTH; row++) {
                    int i = index(row, h1, h2);
                    min = Math.min(min, current[i] + previous[i]);
                }
                return min;
            }

            void add(long h1, long h2) {
                for (int row = 0; row < DEPTH; row++) {
                    current[index(row, h1, h2)]++;
                }
            }

            /** When the older generation is dropped. */
            long nextRotation() {
                return (generation + 1) * windowNanos;
            }
        }

        private int index(int row, long h1, long h2) {
            return row * width + (int) ((h1 + row * h2) & (width - 1));
        }

        private long hash(String key) {
            long h = seed ^ 0xcbf29ce484222325L;
            for (int i = 0; i < key.length(); i++) {
                h = (h ^ key.charAt(i)) * 0x100000001b3L;
            }
            return mix(h);
        }

        private static long mix(long z) {
            z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
            z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
            return z ^ (z >>> 33);
        }

        private Sketch sketch(long windowNanos, long now) {
            Sketch s = sketches.computeIfAbsent(windowNanos, Sketch::new);
            s.rotate(now);
            return s;
        }

        int inFlight(String key) {
            InFlight f = inFlight.get(key);
            return f == null ? 0 : f.calls;
        }

        int endedEstimate(String key, long windowNanos, long now) {
            Sketch s = sketches.get(windowNanos);
            if (s == null) {
                return 0;
            }
            s.rotate(now);
            long h1 = hash(key);
            return s.estimate(h1, mix(h1 ^ seed));
        }

        /** No ended call the sketch holds ended after this (and none is in the future). */
        long latestEnd(long now) {
            return latestEnd == Long.MIN_VALUE ? now : Math.min(now, latestEnd);
        }

        WindowDecision decide(String key, int limit, long windowNanos, long now) {
            Sketch s = sketch(windowNanos, now);
            long h1 = hash(key);
            InFlight f = inFlight.get(key);
            int used = (f == null ? 0 : f.calls) + s.estimate(h1, mix(h1 ^ seed));
            if (used < limit && (f != null || inFlight.size() < maxInFlightKeys)) {
                if (f == null) {
                    f = new InFlight(windowNanos);
                    inFlight.put(key, f);
                }
                f.calls++;
                return new WindowDecision(true, used + 1, 0, 0);
            }
            return new WindowDecision(false, used, Math.max(1, s.nextRotation() - now), 0);
        }

        long retryAfter(String key, int limit, long windowNanos, long now) {
            Sketch s = sketch(windowNanos, now);
            long h1 = hash(key);
            int used = inFlight(key) + s.estimate(h1, mix(h1 ^ seed));
            return used < limit ? 0 : Math.max(1, s.nextRotation() - now);
        }

        /** A call of {@code key} ended: counted from now if it was sent ({@code counted}), forgotten if refunded. */
        void end(String key, long now, boolean counted) {
            InFlight f = inFlight.get(key);
            if (f == null) {
                return;
            }
            if (--f.calls == 0) {
                inFlight.remove(key);
            }
            if (counted) {
                Sketch s = sketch(f.windowNanos, now);
                long h1 = hash(key);
                s.add(h1, mix(h1 ^ seed));
                latestEnd = Math.max(latestEnd, now);
            }
        }
    }
}
