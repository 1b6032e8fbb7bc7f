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
package dev.levee.core.breaker;

/**
 * A snapshot of a breaker.
 *
 * @param failureRatePercent  failure rate over the current window, or -1 before {@code minimumCalls} outcomes
 * @param slowCallRatePercent slow-call rate over the current window, or -1 before {@code minimumCalls} outcomes
 * @param bufferedCalls       outcomes in the current window (reset at each state change)
 * @param retryAfterMillis    while OPEN, time until probes are let through; 0 otherwise
 * @param successes           lifetime: calls recorded as success
 * @param failures            lifetime: calls recorded as failure (errors and failing answers)
 * @param slowCalls           lifetime: calls that ran past the slow-call duration (counted as they cross it)
 * @param rateLimited         lifetime: upstream 429 answers (each opened the breaker for its Retry-After)
 * @param rejected            lifetime: calls refused without reaching the upstream
 * @param opened              lifetime: transitions into OPEN (rate-limited openings included)
 */
public record BreakerStats(BreakerState state, float failureRatePercent, float slowCallRatePercent, int bufferedCalls,
                           long retryAfterMillis, long successes, long failures, long slowCalls, long rateLimited,
                           long rejected, long opened) {
}
