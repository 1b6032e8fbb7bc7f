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

/** The states a caller can observe. */
public enum BreakerState {
    /** Calls pass; outcomes are recorded in the sliding window. */
    CLOSED,
    /** Calls are refused until the open time (or the upstream's Retry-After) has passed. */
    OPEN,
    /** A fixed number of probe calls pass; their outcomes decide between CLOSED and OPEN. */
    HALF_OPEN
}
