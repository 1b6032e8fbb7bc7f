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
package dev.levee.core.admission;

import java.time.Duration;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

import static dev.levee.core.internal.Arguments.positive;

/**
 * An adaptive concurrency limit: finds the backend's capacity from the latency of the requests that reached it,
 * and follows it. Given to {@link PriorityAdmission.Builder#adaptiveLimit}, which enforces it with strict priority
 * and push-out exactly as a static limit (this class only computes the number; the admission decides who gets a
 * permit). One instance serves one admission.
 *
 * <p>Design notes (why this algorithm).
 * <ul>
 *   <li><b>Shape: Gradient2-style</b> (Netflix concurrency-limits): {@code new = limit x gradient + headroom},
 *       {@code gradient = clamp(tolerance x baseline / recent, 0.5, 1)}, {@code headroom = sqrt(limit)},
 *       smoothed ({@code limit += 0.2 x (new - limit)}). While latency stays within {@code tolerance} (1.5x) of
 *       the baseline the gradient is 1 and the limit grows by the headroom; as requests queue inside the backend
 *       latency rises and the limit shrinks until it stops. Netflix's limiters share a limit by percentage;
 *       here the limit is only a number, strict priority stays in the admission.</li>
 *   <li><b>No measurement phase.</b> Envoy's adaptive_concurrency pins concurrency to a minimum periodically to
 *       re-measure the minimum RTT, which rejects or queues traffic for the length of the probe (envoy#8337,
 *       envoy#46532). Here the baseline is learned from live traffic only, and nothing ever pins concurrency to
 *       learn it. It moves halfway to a faster window at once (a faster backend is news to trust, and one odd
 *       window is halved). It rises only toward {@code recent / tolerance}, by 1% of the gap per window: the
 *       latency the limit settles at ({@code tolerance x baseline}) does not move it, so queueing the limit
 *       itself causes is never mistaken for a slower backend; a backend that is slower for good (latency stays
 *       high while the limit is cut) becomes the new normal after some hundred windows instead of holding the
 *       limit at min. Known cost, to be measured in the benchmark scenario: the headroom keeps the settled
 *       latency a little above {@code tolerance x baseline}, so under sustained saturation the baseline (and with
 *       it the limit) creeps up slowly, by up to about 1% per second (less the higher the limit); any lighter
 *       moment resets it.</li>
 *   <li><b>Robust to noise.</b> A plain per-sample gradient over-reacts to one slow request. Samples are grouped
 *       in windows (at least 20 samples and 100 ms); a window's latency
 *       is its median, so one outlier (or a few, under half) moves nothing; the gradient is clamped to
 *       [0.5, 1] and smoothed, so one bad window lowers the limit by at most 10%.</li>
 *   <li><b>Drops.</b> A window where over 10% of the samples were dropped (the backend timed out or refused under
 *       load) backs off multiplicatively (x 0.9), latency notwithstanding: a timeout is the latency we could not
 *       measure.</li>
 *   <li><b>Not app-limited growth.</b> The limit grows only if the window saw at least half of it in use: idle
 *       traffic proves nothing about capacity, and a limit grown unchecked while idle would let the next burst
 *       through at once.</li>
 *   <li><b>Why not Cinnamon's PID on queue time</b> (Uber): the admission's queue time depends on the client mix
 *       (a class may wait because higher ones take every permit), so it measures priority, not the backend.
 *       Backend latency of admitted requests is what the limit protects; a PID needs gains tuned per
 *       deployment, against the "nothing to tune" requirement.</li>
 *   <li>Only samples of requests that reached the backend count: the caller releases a cache hit or a local
 *       refusal with {@link Permit#releaseWithoutSample()}.</li>
 * </ul>
 * Not thread-safe by itself: the admission calls it under its lock.
 */
public final class AdaptiveLimit {
    static final int WINDOW_SAMPLES = 20;
    static final long WINDOW_MILLIS = 100;
    static final double TOLERANCE = 1.5;
    static final double SMOOTHING = 0.2;
    static final double BASELINE_RISE = 0.01;
    static final double BASELINE_FALL = 0.5;
    static final double DROP_BACKOFF = 0.9;
    private static final int MAX_KEPT = 256; // samples kept per window for the median; later ones only count

    private final int min;
    private final int max;
    private final int initial;

    private double limit;
    private double baselineNanos = Double.NaN; // NaN: no window closed yet
    private double lastWindowNanos = Double.NaN;
    private boolean claimed;
    private long lastChangeNanos = Long.MIN_VALUE; // Ticker time of the last change of the (rounded) limit
    private long windows;

    private final long[] rtts = new long[MAX_KEPT];
    private int samples;
    private int dropped;
    private int maxInFlight;
    private long windowStart;

    private AdaptiveLimit(int min, int max, int initial) {
        this.min = min;
        this.max = max;
        this.initial = initial;
        this.limit = initial;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Called once by the admission that enforces it: one instance's samples must come from one backend. */
    synchronized void claim() {
        if (claimed) {
            throw new IllegalStateException("adaptiveLimit: already used by another admission (expected: one "
                    + "AdaptiveLimit per PriorityAdmission)");
        }
        claimed = true;
    }

    /**
     * One request that reached the backend: granted at {@code startNanos} (the admission's Ticker), held for
     * {@code rttNanos}, with {@code inFlight} permits held when it was released (itself included).
     * {@code didDrop}: the backend timed out or refused it. Returns the limit, possibly changed.
     */
    int onSample(long startNanos, long rttNanos, int inFlight, boolean didDrop) {
        long end = startNanos + rttNanos;
        if (samples == 0) {
            windowStart = startNanos;
        }
        if (samples < MAX_KEPT) {
            rtts[samples] = Math.max(0, rttNanos);
        }
        samples++;
        if (didDrop) {
            dropped++;
        }
        maxInFlight = Math.max(maxInFlight, inFlight);
        if (samples >= WINDOW_SAMPLES && end - windowStart >= WINDOW_MILLIS * 1_000_000L) {
            closeWindow(end);
        }
        return current();
    }

    private void closeWindow(long now) {
        int kept = Math.min(samples, MAX_KEPT);
        Arrays.sort(rtts, 0, kept);
        double median = kept % 2 == 1 ? rtts[kept / 2] : (rtts[kept / 2 - 1] + rtts[kept / 2]) / 2.0;
        median = Math.max(1, median);
        int before = current();
        if (Double.isNaN(baselineNanos)) {
            baselineNanos = median;
        } else if (median < baselineNanos) {
            baselineNanos += BASELINE_FALL * (median - baselineNanos);
        } else if (median / TOLERANCE > baselineNanos) { // slower even than tolerated: maybe the new normal
            baselineNanos += BASELINE_RISE * (median / TOLERANCE - baselineNanos);
        }
        double next;
        if (dropped * 10 > samples) {
            next = limit * DROP_BACKOFF;
        } else {
            double gradient = Math.max(0.5, Math.min(1.0, TOLERANCE * baselineNanos / median));
            double target = limit * gradient + Math.sqrt(limit);
            if (target > limit && maxInFlight < limit / 2) {
                target = limit; // app-limited: no evidence the backend takes more
            }
            next = limit + SMOOTHING * (target - limit);
        }
        limit = Math.max(min, Math.min(max, next));
        lastWindowNanos = median;
        windows++;
        if (current() != before) {
            lastChangeNanos = now;
        }
        samples = 0;
        dropped = 0;
        maxInFlight = 0;
    }

    /** The limit now: at least {@code min}, at most {@code max}. */
    int current() {
        return (int) limit;
    }

    int min() {
        return min;
    }

    int max() {
        return max;
    }

    int initial() {
        return initial;
    }

    /** What the algorithm sees, for health and metrics; {@code now} from the admission's Ticker. */
    AdaptiveLimitStats stats(long now) {
        Duration sinceChange = lastChangeNanos == Long.MIN_VALUE ? null : Duration.ofNanos(now - lastChangeNanos);
        return new AdaptiveLimitStats(current(), min, max, sinceChange, millis(baselineNanos),
                millis(lastWindowNanos), windows);
    }

    private static double millis(double nanos) {
        return Double.isNaN(nanos) ? 0 : nanos / 1e6;
    }

    /** Bounds of an {@link AdaptiveLimit}; the defaults need no tuning ({@code min <= initial <= max}). */
    public static final class Builder {
        private int min = 8;
        private int max = 1000;
        private @Nullable Integer initial; // null: 50, within min and max

        Builder() {}

        /** The limit never goes below this (default 8): a few requests always get through to measure the backend. */
        public Builder min(int min) {
            this.min = positive("min", min);
            return this;
        }

        /** The limit never goes above this (default 1000). */
        public Builder max(int max) {
            this.max = positive("max", max);
            return this;
        }

        /** The limit before any sample, between min and max (default 50, or min / max when 50 lies outside). */
        public Builder initial(int initial) {
            this.initial = positive("initial", initial);
            return this;
        }

        public AdaptiveLimit build() {
            if (min > max) {
                throw new IllegalStateException("min: " + min + " (expected: <= max " + max + ")");
            }
            Integer given = initial;
            if (given != null && (given < min || given > max)) {
                throw new IllegalStateException("initial: " + given + " (expected: between min " + min + " and max "
                        + max + ")");
            }
            return new AdaptiveLimit(min, max, given != null ? given : Math.max(min, Math.min(max, 50)));
        }
    }
}
