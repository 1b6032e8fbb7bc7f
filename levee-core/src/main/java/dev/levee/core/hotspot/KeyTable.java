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

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link DefaultHotSpotLimiter}'s bounded table of {@link KeyState}s: at most {@code maxKeys} of them.
 *
 * <p>Implementation note. Lock-free lookups in a {@link ConcurrentHashMap}; {@code count} is reserved by
 * compare-and-set before a state is created, so the bound holds under any race (a loser of {@code putIfAbsent}
 * gives its reservation back). A state is removed only when idle (no waiter, no decision running, no permit held,
 * no request, grant or release within the last window), under the state's own lock, with its {@code removed}
 * mark set so that a caller that found it just before looks the key up again. One sweep runs at a time (a racing
 * one returns at once); a full table sweeps on demand, at most 16 times a window, and the limiter's housekeeping
 * sweeps on a timer.
 */
final class KeyTable {
    private final ConcurrentHashMap<String, KeyState> states = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private volatile long nextSweepAt = Long.MIN_VALUE;
    private final int maxKeys;
    private final int limit;
    private final long windowNanos;

    KeyTable(int maxKeys, int limit, long windowNanos) {
        this.maxKeys = maxKeys;
        this.limit = limit;
        this.windowNanos = windowNanos;
    }

    /**
     * The key's state, created if the table has room (sweeping idle states first when it is full); null when every
     * state is active and the key has none. The result may be marked {@code removed} by the time its lock is taken.
     */
    KeyState stateFor(String key, long now) {
        KeyState ks = states.get(key);
        if (ks != null) {
            return ks;
        }
        if (!reserve(now)) {
            return states.get(key);
        }
        KeyState created = new KeyState(key, now, limit);
        KeyState prev = states.putIfAbsent(key, created);
        if (prev != null) {
            count.decrementAndGet();
            return prev;
        }
        return created;
    }

    /** Takes one place in the table, sweeping idle states when it is full; false if none could be had. */
    private boolean reserve(long now) {
        while (true) {
            int c = count.get();
            if (c >= maxKeys) {
                if (now >= nextSweepAt) {
                    sweep(now, true);
                }
                if (count.get() >= maxKeys) {
                    return false;
                }
                continue;
            }
            if (count.compareAndSet(c, c + 1)) {
                return true;
            }
        }
    }

    /** Removes idle key states; returns how many. */
    int sweep(long now, boolean onDemand) {
        if (!sweeping.compareAndSet(false, true)) {
            return 0;
        }
        int removed = 0;
        try {
            long earliest = Long.MAX_VALUE;
            for (Map.Entry<String, KeyState> e : states.entrySet()) {
                KeyState ks = e.getValue();
                synchronized (ks) {
                    if (ks.removed) {
                        continue;
                    }
                    boolean quiet = ks.quiet();
                    if (quiet && ks.lastActivity + windowNanos <= now) {
                        ks.removed = true;
                        ks.cancelTimer();
                        states.remove(e.getKey(), ks);
                        count.decrementAndGet();
                        removed++;
                    } else {
                        earliest = Math.min(earliest, quiet ? ks.lastActivity + windowNanos : now + windowNanos);
                    }
                }
            }
            if (onDemand) {
                // not before a state can go idle, and at most 16 sweeps a window however keys churn
                nextSweepAt = Math.max(earliest, now + windowNanos / 16);
            }
        } finally {
            sweeping.set(false);
        }
        return removed;
    }

    /** The key's state, or null; never creates one. */
    KeyState get(String key) {
        return states.get(key);
    }

    /** A live view of the states held. */
    Collection<KeyState> states() {
        return states.values();
    }

    /** Key states held now. */
    int size() {
        return count.get();
    }
}
