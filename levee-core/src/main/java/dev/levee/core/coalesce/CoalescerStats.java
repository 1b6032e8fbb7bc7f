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
package dev.levee.core.coalesce;

/**
 * A snapshot of a coalescer's figures.
 *
 * @param totalRequests        callers that asked ({@code getOrFetch}/{@code join}), overflowed ones included
 * @param coalescedRequests    callers that joined a flight another caller started
 * @param apiCallsMade         flights started (fetches run)
 * @param apiCallsSaved        fetches avoided: equal to {@code coalescedRequests}
 * @param hitRatePercent       {@code coalescedRequests / totalRequests * 100}, 0 when there were no requests
 * @param avgWaitTimeMs        mean time from joining to the caller's future completing, over finished callers
 * @param maxConcurrentWaiters the most callers that ever shared one flight at once (leader included)
 * @param pendingKeys          flights in progress now
 * @param currentWaiters       callers waiting now, over all keys
 * @param timeouts             callers that gave up at their max wait
 * @param cancellations        callers that cancelled their own future
 * @param overflows            callers turned away by the per-key or total waiter bound
 * @param errors               flights that ended in an error (each counted once, not per waiter)
 * @param maxWaiters           the configured total waiter bound
 * @param status               derived health, see {@link Status}
 */
public record CoalescerStats(long totalRequests, long coalescedRequests, long apiCallsMade, long apiCallsSaved,
                             double hitRatePercent, double avgWaitTimeMs, int maxConcurrentWaiters,
                             int pendingKeys, int currentWaiters, long timeouts, long cancellations,
                             long overflows, long errors, int maxWaiters, Status status) {

    /**
     * Health of a coalescer, from its waiter utilisation ({@code currentWaiters / maxWaiters}) and from the share
     * of finished callers that timed out or overflowed in the period:
     * <ul>
     *   <li>{@code DEGRADED}: utilisation >= 90 %, or more than 20 % of callers timed out or overflowed;</li>
     *   <li>{@code WARNING}: utilisation >= 50 %, or more than 5 % timed out or overflowed;</li>
     *   <li>{@code HEALTHY}: otherwise.</li>
     * </ul>
     */
    public enum Status {
        HEALTHY, WARNING, DEGRADED;

        /** Lower-case name for JSON ({@code healthy}, {@code warning}, {@code degraded}). */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final double WARNING_UTILISATION = 0.5;
    public static final double DEGRADED_UTILISATION = 0.9;
    public static final double WARNING_FAILED_SHARE = 0.05;
    public static final double DEGRADED_FAILED_SHARE = 0.20;

    static Status statusOf(int currentWaiters, int maxWaiters, long totalRequests, long timeouts, long overflows) {
        double utilisation = maxWaiters == 0 ? 0 : (double) currentWaiters / maxWaiters;
        double failedShare = totalRequests == 0 ? 0 : (double) (timeouts + overflows) / totalRequests;
        if (utilisation >= DEGRADED_UTILISATION || failedShare > DEGRADED_FAILED_SHARE) {
            return Status.DEGRADED;
        }
        if (utilisation >= WARNING_UTILISATION || failedShare > WARNING_FAILED_SHARE) {
            return Status.WARNING;
        }
        return Status.HEALTHY;
    }
}
