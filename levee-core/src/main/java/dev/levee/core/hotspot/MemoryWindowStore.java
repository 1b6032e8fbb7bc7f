package dev.levee.core.hotspot;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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
 *       it is idle (nothing in flight, nothing in the window), marks it removed and then unmaps it; a decision
 *       that finds its log removed looks it up again. So a key with calls in its window is never evicted and no
 *       two logs ever exist for one key at once. Caffeine is not used here because a size-bounded Caffeine cache
 *       may evict an active entry (losing its log would let the key exceed its limit).</li>
 *   <li><b>All keys active.</b> When the map is full and a sweep frees nothing, a new key is served by one shared
 *       overflow log with the same limit. Every call of such a key is counted there, so it cannot exceed its own
 *       limit; the cost is that those keys share one budget while the map is full. As soon as a log is free, such
 *       a key gets a log of its own (once none of its calls is in flight in the overflow log), seeded with every
 *       ended call of the overflow window: possibly more than its own calls, never fewer, so the move never lets
 *       it exceed its limit. Creating a log and deciding on the overflow log both hold the overflow lock, so a
 *       key's calls are never split between the two without being counted.</li>
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
    private final Log overflow = new Log(true);
    private final AtomicLong overflowDecisions = new AtomicLong();
    private volatile long nextSweepAt = Long.MIN_VALUE;

    MemoryWindowStore(int maxKeys) {
        if (maxKeys <= 0) {
            throw new IllegalArgumentException("maxKeys: " + maxKeys + " (expected: > 0)");
        }
        this.maxKeys = maxKeys;
    }

    /** One key's log; every field is guarded by the log's monitor. */
    static final class Log {
        private long[] ends = new long[4];
        private int head;
        private int size;
        private int inFlight;
        private long windowNanos;
        private long latest = Long.MIN_VALUE;
        private boolean removed;
        /** Only the overflow log: calls in flight per key (at most {@code limit} entries). */
        private final Map<String, Integer> inFlightByKey;

        Log() {
            this(false);
        }

        Log(boolean overflow) {
            this.inFlightByKey = overflow ? new java.util.HashMap<>() : null;
        }

        /** A new key's log starts with every ended call of the overflow window: never fewer than its own. */
        private void seedFrom(Log overflow) {
            windowNanos = overflow.windowNanos;
            latest = overflow.latest;
            for (int i = 0; i < overflow.size; i++) {
                append(overflow.ends[(overflow.head + i) & (overflow.ends.length - 1)]);
            }
        }

        private void startedBy(String key) {
            inFlight++;
            if (inFlightByKey != null) {
                inFlightByKey.merge(key, 1, Integer::sum);
            }
        }

        /** Returns false if {@code key} had no call in flight here. */
        private boolean endedBy(String key) {
            if (inFlightByKey != null) {
                Integer n = inFlightByKey.get(key);
                if (n == null) {
                    return false;
                }
                if (n == 1) {
                    inFlightByKey.remove(key);
                } else {
                    inFlightByKey.put(key, n - 1);
                }
            }
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

        /** When this log becomes idle if nothing else happens; MAX_VALUE while calls are in flight. */
        private long idleAt() {
            if (inFlight > 0) {
                return Long.MAX_VALUE;
            }
            return size == 0 ? Long.MIN_VALUE : ends[(head + size - 1) & (ends.length - 1)] + windowNanos;
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
                log = create(key, nowNanos);
            }
            if (log == overflow) {
                synchronized (overflow) {
                    if (logs.containsKey(key)) { // got a log of its own meanwhile
                        continue;
                    }
                    overflowDecisions.incrementAndGet();
                    return decide(overflow, key, limit, windowNanos, nowNanos);
                }
            }
            synchronized (log) {
                if (log.removed) {
                    continue;
                }
                return decide(log, key, limit, windowNanos, nowNanos);
            }
        }
    }

    private static WindowDecision decide(Log log, String key, int limit, long windowNanos, long nowNanos) {
        long now = log.clamp(nowNanos);
        log.windowNanos = windowNanos;
        int used = log.count(now);
        if (used < limit) {
            log.startedBy(key);
            return new WindowDecision(true, used + 1, 0, 0);
        }
        // full: the earliest slot frees when the oldest ended call leaves the window; with every slot in flight,
        // no slot can free before one window from now
        long retry = log.size > 0 ? log.ends[log.head] + windowNanos - now : windowNanos;
        return new WindowDecision(false, used, Math.max(1, retry), 0);
    }

    private Log create(String key, long now) {
        synchronized (overflow) {
            Log existing = logs.get(key);
            if (existing != null) {
                return existing;
            }
            if (overflow.inFlightByKey.containsKey(key)) {
                return overflow; // its calls in flight are counted there until they end
            }
            if (size.get() >= maxKeys && now >= nextSweepAt) {
                sweep(now, true);
            }
            if (size.get() >= maxKeys) {
                return overflow;
            }
            Log log = new Log();
            overflow.trim(overflow.clamp(now));
            log.seedFrom(overflow);
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
                long idleAt = log.idleAt();
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
        Log log = logOf(key);
        synchronized (log) {
            if (log.endedBy(key)) {
                log.append(log.clamp(nowNanos));
            }
        }
    }

    @Override
    public void refund(String key, WindowDecision grant, long nowNanos) {
        Log log = logOf(key);
        synchronized (log) {
            log.endedBy(key);
        }
    }

    /**
     * The log that holds a call of {@code key} in flight. A log with calls in flight is never evicted, and a key
     * with calls in flight in the overflow log does not get a log of its own until they end, so the lookup finds
     * the log the call was recorded in.
     */
    private Log logOf(String key) {
        Log log = logs.get(key);
        return log == null ? overflow : log;
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
        Log log = logOf(key);
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

    /** Decisions made on the shared overflow log because every log was active (for reporting). */
    long overflowDecisions() {
        return overflowDecisions.get();
    }

    /** Calls counted in the overflow log now. */
    int overflowCount(long nowNanos) {
        synchronized (overflow) {
            return overflow.count(overflow.clamp(nowNanos));
        }
    }
}
