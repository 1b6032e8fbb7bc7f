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

import static java.util.Objects.requireNonNull;

/**
 * One class's figures at the moment of the snapshot. Counters count since the admission was built. Wait times
 * cover admitted requests (zero for those admitted at once); percentiles come from a log-bucketed histogram
 * whose buckets are at most 1/16 of their value wide, so they are within about 3 % of the exact value.
 *
 * @param drainRatePerSecond requests of this class taken from its queue per second, over the last 10 seconds
 */
public record ClassStats(String name, int priority, int queueCapacity, int queueDepth, int inFlight, long admitted,
                         long shedQueueFull, long shedPushedOut, long shedTimeout, long cancelled,
                         Duration waitAverage, Duration waitP50, Duration waitP99, double drainRatePerSecond) {
    public ClassStats {
        requireNonNull(name, "name");
        requireNonNull(waitAverage, "waitAverage");
        requireNonNull(waitP50, "waitP50");
        requireNonNull(waitP99, "waitP99");
    }

    /** Requests of this class shed for {@code reason}. */
    public long shed(ShedReason reason) {
        return switch (reason) {
            case QUEUE_FULL -> shedQueueFull;
            case PUSHED_OUT -> shedPushedOut;
            case TIMEOUT -> shedTimeout;
        };
    }

    /** Requests of this class shed for any reason. */
    public long shed() {
        return shedQueueFull + shedPushedOut + shedTimeout;
    }
}
