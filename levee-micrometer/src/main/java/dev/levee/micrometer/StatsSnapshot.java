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
package dev.levee.micrometer;

import dev.levee.core.time.Ticker;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * One stats snapshot shared by all the meters of a binder. A scrape reads every gauge and counter of a binder one
 * after another; the first read takes the snapshot and the rest reuse it, so a scrape costs one {@code stats()} call
 * per primitive (not one per meter) and the values of one scrape agree with each other (queue depth, in flight and
 * the counters are of one instant). A snapshot older than {@code maxAge} is taken again, so the next scrape sees
 * fresh values; no thread or timer is involved, and an application that never scrapes never pays for a snapshot.
 */
final class StatsSnapshot<S> {
    static final Duration DEFAULT_MAX_AGE = Duration.ofMillis(250);

    private final Supplier<? extends S> source;
    private final Ticker ticker;
    private final long maxAgeNanos;
    private @Nullable S last;
    private long takenAt;
    private long taken;

    StatsSnapshot(Supplier<? extends S> source, Ticker ticker, Duration maxAge) {
        this.source = requireNonNull(source, "source");
        this.ticker = requireNonNull(ticker, "ticker");
        requireNonNull(maxAge, "snapshotMaxAge");
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("snapshotMaxAge: " + maxAge + " (expected: >= 0)");
        }
        this.maxAgeNanos = maxAge.toNanos();
    }

    /** The snapshot, taken now if there is none or it is older than the max age. */
    synchronized S get() {
        long now = ticker.read();
        S s = last;
        if (s == null || now - takenAt > maxAgeNanos) {
            s = source.get();
            last = s;
            takenAt = now;
            taken++;
        }
        return s;
    }

    /** A snapshot taken now, whatever the age of the last one. */
    synchronized S refresh() {
        S s = source.get();
        last = s;
        takenAt = ticker.read();
        taken++;
        return s;
    }

    /** How many snapshots were taken (for tests). */
    synchronized long taken() {
        return taken;
    }
}
