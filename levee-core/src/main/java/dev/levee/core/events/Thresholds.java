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

import java.time.Duration;

import static dev.levee.core.internal.Arguments.nonNegative;
import static dev.levee.core.internal.Arguments.positive;
import static java.util.Objects.requireNonNull;

/**
 * Queue-depth thresholds and the circuit rules built on them (depth = waiting + active + delayed):
 * <ul>
 *   <li>depth >= {@code warning}: logged once per upward crossing (re-armed when depth falls below it);</li>
 *   <li>depth >= {@link #lowPriorityDropAt()} (80 % of critical): priority >= 10 is dropped;</li>
 *   <li>CLOSED -> OPEN when depth >= {@code critical}; OPEN accepts priority 1 only;</li>
 *   <li>OPEN -> HALF_OPEN when depth &lt;= {@code recovery}; HALF_OPEN accepts priorities below 10 (1 and 5);</li>
 *   <li>HALF_OPEN -> CLOSED once depth has stayed &lt;= {@code recovery} for {@code stablePeriod};</li>
 *   <li>HALF_OPEN -> OPEN when depth > {@link #reopenAbove()} (0.6 x critical);</li>
 *   <li>depth >= {@code capacity}: nothing is accepted, not even priority 1.</li>
 * </ul>
 * Depth is read before an event is added, so under concurrent submitters a threshold can be passed by at most the
 * number of submitters racing; {@code capacity} is exact (checked by the queue under its lock).
 */
public record Thresholds(int warning, int critical, int recovery, int capacity, Duration stablePeriod) {

    /** The original platform's numbers (also the "prod-10k" preset), capacity 2 x critical, 30 s stable period. */
    public static final Thresholds DEFAULT = of(10_000, 50_000, 5_000);

    public Thresholds {
        requireNonNull(stablePeriod, "stablePeriod");
        positive("warning", warning);
        positive("critical", critical);
        positive("recovery", recovery);
        if (!(recovery < warning && warning < critical)) {
            throw new IllegalArgumentException("thresholds: recovery " + recovery + ", warning " + warning
                    + ", critical " + critical + " (expected: recovery < warning < critical)");
        }
        if (recovery > reopenAbove(critical)) {
            throw new IllegalArgumentException("recovery: " + recovery + " (expected: <= 0.6 x critical = "
                    + reopenAbove(critical) + ", or HALF_OPEN would reopen at once)");
        }
        if (capacity < critical) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= critical " + critical + ")");
        }
        nonNegative("stablePeriod", stablePeriod);
    }

    /** Thresholds with capacity 2 x critical and a 30 s stable period. */
    public static Thresholds of(int warning, int critical, int recovery) {
        return new Thresholds(warning, critical, recovery, (int) Math.min(Integer.MAX_VALUE, 2L * critical),
                Duration.ofSeconds(30));
    }

    Thresholds withCapacity(int capacity) {
        return new Thresholds(warning, critical, recovery, capacity, stablePeriod);
    }

    /** The smallest depth at which low priority is dropped: ceil(0.8 x critical). */
    public int lowPriorityDropAt() {
        return (int) ((4L * critical + 4) / 5);
    }

    /** HALF_OPEN reopens when depth is above this: floor(0.6 x critical). */
    public int reopenAbove() {
        return reopenAbove(critical);
    }

    private static int reopenAbove(int critical) {
        return (int) (3L * critical / 5);
    }

}
