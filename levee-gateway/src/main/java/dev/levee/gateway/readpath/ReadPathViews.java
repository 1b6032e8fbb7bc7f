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
package dev.levee.gateway.readpath;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.levee.core.breaker.BreakerStats;
import dev.levee.core.cache.CacheStats;
import dev.levee.core.coalesce.CoalescerStats;

import java.util.Map;

/**
 * The read path's status documents as immutable records, built from core's stats records and written by
 * {@code JsonResponses} in snake_case: the {@code read_path} section of {@code /health}, {@code /health/coalescer}
 * and the deduplication stats and health of the original platform's contract.
 */
final class ReadPathViews {
    private ReadPathViews() {}

    /** One coalescer's figures (or every route's summed); {@code pending_requests} are the current waiters. */
    record Coalescer(long totalRequests, long coalescedRequests, long apiCallsMade, long apiCallsSaved,
                     double hitRatePercent, double avgWaitTimeMs, int maxConcurrentWaiters, int pendingKeys,
                     int pendingRequests, long timeouts, long cancellations, long overflows, long errors,
                     int maxWaiters, String status) {
        static Coalescer of(CoalescerStats s) {
            return new Coalescer(s.totalRequests(), s.coalescedRequests(), s.apiCallsMade(), s.apiCallsSaved(),
                    s.hitRatePercent(), s.avgWaitTimeMs(), s.maxConcurrentWaiters(), s.pendingKeys(),
                    s.currentWaiters(), s.timeouts(), s.cancellations(), s.overflows(), s.errors(), s.maxWaiters(),
                    s.status().label());
        }
    }

    /** {@code /health/coalescer} and the deduplication stats: the totals, then each coalescing route. */
    record Stats(@JsonUnwrapped Coalescer totals, Map<String, RouteCoalescer> routes) {}

    /** One route's coalescer and how long its callers may wait for the leader. */
    record RouteCoalescer(@JsonUnwrapped Coalescer stats, double maxWaitSeconds) {}

    /** The deduplication health: healthy | warning | degraded and what those mean. */
    record DedupHealth(String status, boolean healthy, int pendingKeys, int pendingRequests, double hitRatePercent,
                       Thresholds thresholds) {}

    record Thresholds(String warning, String degraded) {}

    /** What a stats reset answers. */
    record Reset(String status, long resetAtMs) {}

    /** The {@code read_path} section of {@code /health}: caches and breakers by route prefix. */
    record Health(int routes, Coalescer coalescer, Map<String, Cache> cache, Map<String, Breaker> breaker) {}

    /** One route's response cache; {@code bytes} is the weighed size, {@code stale} the stale hits. */
    record Cache(long entries, long bytes, double hitRatePercent, long hits, long stale, long staleIfError,
                 long misses, long coalesced, long negativeHits, long refreshes, long evictions) {
        static Cache of(CacheStats c) {
            return new Cache(c.entries(), c.weightedBytes(), c.hitRatePercent(), c.hits(), c.staleHits(),
                    c.staleIfError(), c.misses(), c.coalesced(), c.negativeHits(), c.refreshes(), c.evictions());
        }
    }

    /** One route's breaker (rates -1 until it has enough calls). */
    record Breaker(String state, float failureRatePercent, float slowCallRatePercent, long retryAfterMs,
                   long rejected, long opened) {
        static Breaker of(BreakerStats b) {
            return new Breaker(b.state().name(), b.failureRatePercent(), b.slowCallRatePercent(),
                    b.retryAfterMillis(), b.rejected(), b.opened());
        }
    }
}
