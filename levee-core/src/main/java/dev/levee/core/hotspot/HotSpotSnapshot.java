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
package dev.levee.core.hotspot;

import java.util.List;

/**
 * Immutable figures of one {@link HotSpotLimiter}, for health endpoints and metrics.
 *
 * @param requests       acquire calls
 * @param granted        permits granted (upstream calls made)
 * @param rejected       callers rejected, all reasons
 * @param rejectedQueueFull   of which: queue full
 * @param rejectedWaitTooLong of which: estimated wait above max wait (decided at enqueue, or when the head's
 *                            slot turned out later than its deadline)
 * @param rejectedTimeout     of which: waited max wait
 * @param rejectedKeysExhausted of which: every key slot active and the window full
 * @param queued         callers waiting now, all keys
 * @param inFlight       permits granted and not yet ended
 * @param alerts         near-limit crossings so far
 * @param alerting       keys at or above the alert threshold now (among tracked keys)
 * @param trackedKeys    keys with per-key state now (at most {@code maxKeys})
 * @param callsInWindow  calls counted in the windows of all tracked keys now (as last known for stores that
 *                       cannot report without I/O)
 * @param top            the busiest keys by calls per minute, busiest first
 */
public record HotSpotSnapshot(long requests, long granted, long rejected, long rejectedQueueFull,
                              long rejectedWaitTooLong, long rejectedTimeout, long rejectedKeysExhausted, int queued,
                              int inFlight, long alerts, int alerting, int trackedKeys, long callsInWindow,
                              List<KeyUsage> top) {
    public HotSpotSnapshot {
        top = List.copyOf(top);
    }
}
