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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.levee.core.internal.Arguments.positive;

/**
 * Heavy hitters by rate: which keys made the most calls in the last minute, in fixed memory.
 *
 * <p>Implementation notes: Space-Saving (Metwally, Agrawal, El Abbadi 2005) with {@code capacity} counters per
 * generation. A key not counted takes over the smallest counter and inherits its count as its error, so any key
 * with more than {@code n / capacity} hits in a generation is guaranteed to be present, and a count is never
 * under-estimated (it over-estimates by at most the recorded error). The counters sit in an indexed min-heap, so
 * an increment or a take-over costs O(log capacity). Two generations of one interval each are kept; the rate of a
 * key is {@code current + previous x (fraction of the interval not yet elapsed)}, a sliding estimate that does not
 * drop to zero at each rotation. Memory: two generations of {@code capacity} counters, whatever the number of
 * keys. Updates take one lock; the limiter only records granted calls, which the windows themselves bound.
 */
final class TopKeys {

    private static final class Counter {
        final String key;
        long count;
        long error;
        int index;

        Counter(String key, long count, long error) {
            this.key = key;
            this.count = count;
            this.error = error;
        }
    }

    /** One generation: counters by key, and the same counters in a min-heap by count. */
    private static final class Generation {
        final Map<String, Counter> byKey;
        final Counter[] heap;
        int size;

        Generation(int capacity) {
            byKey = new HashMap<>(capacity * 2);
            heap = new Counter[capacity];
        }

        void offer(String key) {
            Counter c = byKey.get(key);
            if (c != null) {
                c.count++;
                siftDown(c.index);
                return;
            }
            if (size < heap.length) {
                c = new Counter(key, 1, 0);
                byKey.put(key, c);
                c.index = size;
                heap[size++] = c;
                siftUp(c.index);
                return;
            }
            Counter min = heap[0];
            byKey.remove(min.key);
            c = new Counter(key, min.count + 1, min.count);
            c.index = 0;
            heap[0] = c;
            byKey.put(key, c);
            siftDown(0);
        }

        private void siftUp(int i) {
            Counter c = heap[i];
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (heap[parent].count <= c.count) {
                    break;
                }
                heap[i] = heap[parent];
                heap[i].index = i;
                i = parent;
            }
            heap[i] = c;
            c.index = i;
        }

        private void siftDown(int i) {
            Counter c = heap[i];
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && heap[child + 1].count < heap[child].count) {
                    child++;
                }
                if (heap[child].count >= c.count) {
                    break;
                }
                heap[i] = heap[child];
                heap[i].index = i;
                i = child;
            }
            heap[i] = c;
            c.index = i;
        }
    }

    /** A ranked key with its rate estimate and the estimate's maximum error. */
    record Ranked(String key, double rate, double error) {}

    private final int capacity;
    private final long intervalNanos;
    private Generation current;
    private Generation previous;
    private long currentStart;
    private boolean started;

    TopKeys(int capacity, long intervalNanos) {
        positive("capacity", capacity);
        positive("intervalNanos", intervalNanos);
        this.capacity = capacity;
        this.intervalNanos = intervalNanos;
        this.current = new Generation(capacity);
        this.previous = new Generation(1);
    }

    synchronized void record(String key, long now) {
        rotate(now);
        current.offer(key);
    }

    private void rotate(long now) {
        if (!started) {
            started = true;
            currentStart = now;
            return;
        }
        long elapsed = now - currentStart;
        if (elapsed < intervalNanos) {
            return;
        }
        long periods = elapsed / intervalNanos;
        previous = periods == 1 ? current : new Generation(1);
        current = new Generation(capacity);
        currentStart += periods * intervalNanos;
    }

    /** The {@code n} keys with the highest rate, highest first. */
    synchronized List<Ranked> top(int n, long now) {
        if (started) {
            rotate(now);
        }
        double weight = started ? 1.0 - Math.min(1.0, (double) (now - currentStart) / intervalNanos) : 0;
        Set<String> keys = new HashSet<>(current.byKey.keySet());
        keys.addAll(previous.byKey.keySet());
        List<Ranked> ranked = new ArrayList<>(keys.size());
        for (String k : keys) {
            Counter c = current.byKey.get(k);
            Counter p = previous.byKey.get(k);
            double rate = (c == null ? 0 : c.count) + (p == null ? 0 : p.count * weight);
            double error = (c == null ? 0 : c.error) + (p == null ? 0 : p.error * weight);
            if (rate > 0) {
                ranked.add(new Ranked(k, rate, error));
            }
        }
        ranked.sort((a, b) -> a.rate != b.rate ? Double.compare(b.rate, a.rate) : a.key.compareTo(b.key));
        return ranked.size() > n ? List.copyOf(ranked.subList(0, n)) : List.copyOf(ranked);
    }

    /** Counters in use, both generations (at most {@code 2 x capacity}). */
    synchronized int size() {
        return current.size + previous.size;
    }
}
