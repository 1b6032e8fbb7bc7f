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
package dev.levee.core.events;

import dev.levee.core.time.Ticker;

import java.util.Arrays;

/**
 * Events per second over a sliding window of one-second buckets (the current, partial bucket excluded once the
 * window is full, so a rate does not dip at every second boundary).
 *
 * <p>Implementation notes: a ring of counters stamped with their second; a stale bucket is zeroed when reused.
 * Synchronized: a record is a few field writes, far cheaper than anything around it, and it keeps the figures
 * exact under concurrency.
 */
final class RateMeter {
    private static final long SECOND = 1_000_000_000L;

    private final Ticker ticker;
    private final long[] counts;
    private final long[] stamps;
    private final long origin;

    RateMeter(Ticker ticker, int windowSeconds) {
        this.ticker = ticker;
        this.counts = new long[windowSeconds + 1];
        this.stamps = new long[windowSeconds + 1];
        Arrays.fill(stamps, Long.MIN_VALUE);
        this.origin = ticker.read();
    }

    synchronized void record(long n) {
        long sec = Math.floorDiv(ticker.read() - origin, SECOND);
        int slot = Math.floorMod(sec, counts.length);
        if (stamps[slot] != sec) {
            stamps[slot] = sec;
            counts[slot] = 0;
        }
        counts[slot] += n;
    }

    /** Events per second over the last complete seconds of the window (or the elapsed part of it at start). */
    synchronized double perSecond() {
        long elapsedNanos = ticker.read() - origin;
        long sec = Math.floorDiv(elapsedNanos, SECOND);
        int window = counts.length - 1;
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
            long s = stamps[i];
            if (s != Long.MIN_VALUE && s < sec && s >= sec - window) {
                sum += counts[i];
            }
        }
        long fullSeconds = Math.min(window, sec);
        if (fullSeconds == 0) { // the first second: use what we have so far
            int slot = Math.floorMod(sec, counts.length);
            long partial = stamps[slot] == sec ? counts[slot] : 0;
            return elapsedNanos <= 0 ? 0 : partial * (double) SECOND / elapsedNanos;
        }
        return sum / (double) fullSeconds;
    }
}
