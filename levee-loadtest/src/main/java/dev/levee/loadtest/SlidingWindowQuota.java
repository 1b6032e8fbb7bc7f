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
package dev.levee.loadtest;

/**
 * An exact sliding-window quota: at most {@code limit} acquisitions in any window of {@code windowNanos}.
 *
 * <p>Implementation notes: the ring holds the timestamps of the last {@code limit} acquisitions, oldest at
 * {@code head}. A new acquisition fits when the ring is not yet full or its oldest entry has left the window (an
 * entry taken at t occupies the window until t + window, exclusive); then it overwrites that oldest entry. So memory
 * is {@code limit} longs per fixture, whatever the rate, and the time until a slot frees is exact, not a bucket
 * approximation. Not thread-safe: the simulator guards each instance with its fixture's lock.
 */
final class SlidingWindowQuota {
    private final long[] ring;
    private final long windowNanos;
    private int head;
    private int size;

    SlidingWindowQuota(int limit, long windowNanos) {
        this.ring = new long[limit];
        this.windowNanos = windowNanos;
    }

    /** Nanoseconds until an acquisition would fit, 0 if it fits now. */
    long waitNanos(long now) {
        if (size < ring.length) {
            return 0;
        }
        long freeAt = ring[head] + windowNanos;
        return Math.max(0, freeAt - now);
    }

    /** Records an acquisition; call only after {@link #waitNanos} returned 0 for the same {@code now}. */
    void acquire(long now) {
        if (size < ring.length) {
            ring[(head + size) % ring.length] = now;
            size++;
        } else {
            ring[head] = now;
            head = (head + 1) % ring.length;
        }
    }

    void reset() {
        head = 0;
        size = 0;
    }
}
