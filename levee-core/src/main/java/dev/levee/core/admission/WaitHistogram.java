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

/**
 * A fixed-size log-linear histogram of durations, in microseconds: values below 16 us get a bucket each, above
 * that every power of two is split into 16 equal buckets, so a bucket is at most 1/16 of its value wide and the
 * reported midpoint is within about 3 % of any value in it. 608 buckets cover up to 2^40 us (about 12 days);
 * larger values land in the last bucket. Not thread-safe: the owner guards it.
 */
final class WaitHistogram {
    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    private static final int MAX_EXP = 40;
    static final int BUCKETS = SUB + (MAX_EXP - SUB_BITS + 1) * SUB;

    private final long[] counts = new long[BUCKETS];
    private long count;
    private long sumNanos;

    void record(long nanos) {
        long v = Math.max(0, nanos);
        counts[index(v / 1000)]++;
        count++;
        sumNanos += v;
    }

    /** Undoes a {@link #record} of the same value. */
    void remove(long nanos) {
        long v = Math.max(0, nanos);
        int i = index(v / 1000);
        if (counts[i] > 0) {
            counts[i]--;
            count--;
            sumNanos -= v;
        }
    }

    long count() {
        return count;
    }

    Duration average() {
        return count == 0 ? Duration.ZERO : Duration.ofNanos(sumNanos / count);
    }

    /** The value at quantile {@code q} (0 < q <= 1): the midpoint of the bucket holding that rank. */
    Duration quantile(double q) {
        if (count == 0) {
            return Duration.ZERO;
        }
        long rank = Math.max(1, (long) Math.ceil(q * count));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Duration.ofNanos(midpointMicros(i) * 1000);
            }
        }
        return Duration.ofNanos(midpointMicros(BUCKETS - 1) * 1000);
    }

    static int index(long micros) {
        if (micros < SUB) {
            return (int) micros;
        }
        int exp = 63 - Long.numberOfLeadingZeros(micros);
        if (exp > MAX_EXP) {
            return BUCKETS - 1;
        }
        int sub = (int) ((micros >>> (exp - SUB_BITS)) & (SUB - 1));
        return SUB + (exp - SUB_BITS) * SUB + sub;
    }

    static long midpointMicros(int index) {
        if (index < SUB) {
            return index;
        }
        int exp = (index - SUB) / SUB + SUB_BITS;
        int sub = (index - SUB) % SUB;
        long width = 1L << (exp - SUB_BITS);
        long lower = (1L << exp) + sub * width;
        return lower + width / 2;
    }
}
