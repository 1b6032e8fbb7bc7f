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

/**
 * How fast a class's queue drains: dequeues per second over the last {@value #WINDOW_SECONDS} whole seconds plus
 * the current one, in a ring of one-second buckets. Young instances divide by the time they have lived (at
 * least one second) so the first seconds do not read as slow. Not thread-safe: the owner guards it.
 */
final class DrainRate {
    static final int WINDOW_SECONDS = 10;
    private static final long SECOND = 1_000_000_000L;

    private final long origin;
    private final long[] counts = new long[WINDOW_SECONDS + 1];
    private final long[] seconds = new long[WINDOW_SECONDS + 1];

    DrainRate(long originNanos) {
        this.origin = originNanos;
        java.util.Arrays.fill(seconds, -1);
    }

    void record(long nowNanos) {
        long sec = (nowNanos - origin) / SECOND;
        int i = (int) (sec % counts.length);
        if (seconds[i] != sec) {
            seconds[i] = sec;
            counts[i] = 0;
        }
        counts[i]++;
    }

    double perSecond(long nowNanos) {
        long elapsed = nowNanos - origin;
        long sec = elapsed / SECOND;
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
            if (seconds[i] >= 0 && seconds[i] > sec - counts.length && seconds[i] <= sec) {
                sum += counts[i];
            }
        }
        // the window spans WINDOW_SECONDS full seconds plus the elapsed part of the current one
        double covered = Math.min(elapsed, WINDOW_SECONDS * SECOND + elapsed % SECOND) / (double) SECOND;
        return sum / Math.max(1.0, covered);
    }
}
