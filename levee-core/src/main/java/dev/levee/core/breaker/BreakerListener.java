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
 * Told what an {@link UpstreamBreaker} does that users act on (set with {@link UpstreamBreaker.Builder#listener}).
 * Every method has a no-op default; implement those you need. Called on the thread that made the change (a
 * call's, or the scheduler's for a slow call): keep it short and do not block. An exception it throws is caught
 * and logged once; it never reaches the breaker.
 */
public interface BreakerListener {

    /**
     * The breaker's observable state changed: CLOSED to OPEN (failure or slow-call rate, or an upstream 429 with its
     * Retry-After), OPEN to HALF_OPEN (the open time is up; seen at the first call or state read after it, as
     * the breaker starts no timer of its own), HALF_OPEN to CLOSED or OPEN (the probes decided).
     */
    default void onStateChange(String breaker, BreakerState from, BreakerState to) {}
}
