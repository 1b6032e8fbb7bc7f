package dev.levee.core.hotspot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Heavy hitters by rate: which keys made the most calls in the last minute, in fixed memory.
 *
 * <p>Implementation notes: Space-Saving (Metwally, Agrawal, El Abbadi 2005) with {@code capacity} counters per
 * generation. A key not counted takes over the smallest counter and inherits its count as its error, so any key
 * with more than {@code n / capacity} hits in a generation is guaranteed to be present, and a count is never
 * under-estimated (Space-Saving only over-estimates, by at most the recorded error). Two
 * generations of one interval each are kept; the rate of a key is {@code current + previous x (fraction of the
 * interval not yet elapsed)}, a sliding estimate that does not drop to zero at each rotation. Memory: two maps of
 * {@code capacity} entries, whatever the number of keys. Updates take one lock; the limiter only records granted
 * calls, which the windows themselves bound, so the lock sees at most {@code keys x limit / window} updates.
 */
final class TopKeys {

    /** A counter: hits and the over-estimate inherited when the key took the counter over. */
    private static final class Counter {
        long count;
        long error;

        Counter(long count, long error) {
            this.count = count;
            this.error = error;
        }
    }

    /** A ranked key with its rate estimate and the estimate's maximum error. */
    record Ranked(String key, double rate, double error) {}

    private final int capacity;
    private final long intervalNanos;
    private Map<String, Counter> current;
    private Map<String, Counter> previous = Map.of();
    private long currentStart;
    private boolean started;

    TopKeys(int capacity, long intervalNanos) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
        }
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("intervalNanos: " + intervalNanos + " (expected: > 0)");
        }
        this.capacity = capacity;
        this.intervalNanos = intervalNanos;
        this.current = new HashMap<>(capacity * 2);
    }

    synchronized void record(String key, long now) {
        rotate(now);
        Counter c = current.get(key);
        if (c != null) {
            c.count++;
            return;
        }
        if (current.size() < capacity) {
            current.put(key, new Counter(1, 0));
            return;
        }
        String minKey = null;
        Counter min = null;
        for (Map.Entry<String, Counter> e : current.entrySet()) {
            if (min == null || e.getValue().count < min.count) {
                min = e.getValue();
                minKey = e.getKey();
            }
        }
        current.remove(minKey);
        current.put(key, new Counter(min.count + 1, min.count));
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
        previous = periods == 1 ? current : Map.of();
        current = new HashMap<>(capacity * 2);
        currentStart += periods * intervalNanos;
    }

    /** The {@code n} keys with the highest rate, highest first. */
    synchronized List<Ranked> top(int n, long now) {
        if (started) {
            rotate(now);
        }
        double weight = started ? 1.0 - Math.min(1.0, (double) (now - currentStart) / intervalNanos) : 0;
        Set<String> keys = new HashSet<>(current.keySet());
        keys.addAll(previous.keySet());
        List<Ranked> ranked = new ArrayList<>(keys.size());
        for (String k : keys) {
            Counter c = current.get(k);
            Counter p = previous.get(k);
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
        return current.size() + previous.size();
    }
}
