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
package dev.levee.gateway.dashboard;

import java.util.List;
import java.util.Map;

/**
 * One second of the dashboard's history: rates computed from the features' counters over the interval since the
 * previous sample (so they are true rates, not averages since start), plus the gauges read at that instant.
 * Serialized as JSON by {@code GET /dashboard/data}.
 *
 * @param seq          increasing sample number; the page asks for {@code since=<last seq it has>}
 * @param epochMillis  wall-clock time of the sample
 * @param classes      admission figures per priority class, in priority order (empty without admission)
 * @param coalescer    the coalescer over the interval, or null without a read path
 * @param breakers     breaker state by route prefix (CLOSED, OPEN, HALF_OPEN, ...)
 * @param events       the event queue, or null when events are disabled
 * @param hotSpot      upstream calls through hot-spot windows, or null without hot-spot routes
 */
public record DashboardSample(long seq, long epochMillis, List<ClassPoint> classes, CoalescerPoint coalescer,
                              Map<String, String> breakers, EventsPoint events, HotSpotPoint hotSpot) {

    /**
     * @param admittedPerSecond permits granted per second
     * @param shedPerSecond     requests answered 429/503 by admission per second (all reasons)
     * @param queueDepth        requests waiting for a permit at the sample instant
     * @param inFlight          requests holding a permit at the sample instant
     * @param waitP99Ms         p99 of the time requests of this class admitted in this interval waited for a
     *                          permit (upper bound of the histogram bucket); null if none was admitted
     */
    public record ClassPoint(String name, double admittedPerSecond, double shedPerSecond, int queueDepth,
                             int inFlight, Double waitP99Ms) {}

    /**
     * @param hitRatePercent    share of callers in this interval that joined a running call; null if none came
     * @param savedPerSecond    upstream calls saved per second (callers that joined instead of calling)
     * @param callsPerSecond    upstream calls the coalescer started per second
     * @param requestsPerSecond callers per second
     */
    public record CoalescerPoint(Double hitRatePercent, double savedPerSecond, double callsPerSecond,
                                 double requestsPerSecond) {}

    /**
     * @param depth             waiting + in delivery + waiting for a retry
     * @param circuit           CLOSED, OPEN or HALF_OPEN
     * @param acceptedPerSecond events accepted per second
     * @param rejectedPerSecond events refused (503, 413, ...) per second
     */
    public record EventsPoint(int depth, String circuit, double acceptedPerSecond, double rejectedPerSecond) {}

    /**
     * @param grantedPerSecond  upstream calls granted a window slot per second, all hot-spot routes
     * @param rejectedPerSecond calls answered 429 by a window per second
     * @param alertingKeys      keys at or over the alert threshold at the sample instant
     */
    public record HotSpotPoint(double grantedPerSecond, double rejectedPerSecond, int alertingKeys) {}
}
