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

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The "now" block of {@code GET /dashboard/data} ({@code current}), computed with each sample. A block is left out
 * when its feature is not part of the gateway (no admission, no read path, events disabled, no hot-spot feature).
 *
 * @param admission admission limits and per-class totals
 * @param coalescer the coalescer's totals since start (or the last stats reset)
 * @param breakers  one entry per route with a breaker
 * @param events    the event queue: depth, circuit and thresholds
 * @param hotSpots  the busiest hot-spot keys over every route, at most {@link DashboardSampler#TOP}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record DashboardCurrent(Admission admission, Coalescer coalescer, List<Breaker> breakers, Events events,
                        HotSpots hotSpots) {

    record Admission(boolean enabled, int maxConcurrent, int inFlight, int queued, List<AdmissionClass> classes) {}

    record AdmissionClass(String name, int queueCapacity, long admitted, long shed) {}

    record Coalescer(long totalRequests, double hitRatePercent, long apiCallsMade, long apiCallsSaved,
                     int pendingKeys, String status) {}

    record Breaker(String route, String state, float failureRatePercent, float slowCallRatePercent,
                   long retryAfterMillis, long rejected, long opened) {}

    record Events(int depth, String circuit, long circuitSinceEpochMillis, int warning, int critical, int recovery,
                  int capacity, boolean aboveWarning, boolean accepting, int deadLetters) {}

    record HotSpots(double alertThreshold, List<HotKey> top) {}

    record HotKey(String route, String key, double callsPerMinute, int callsInWindow, int limit, int alertAt,
                  double usagePercent, int queueDepth, long rejected, boolean alert) {}
}
