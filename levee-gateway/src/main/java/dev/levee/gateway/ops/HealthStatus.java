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
package dev.levee.gateway.ops;

/** Health of one capability or the whole gateway; the overall status is the worst of its sections. */
public enum HealthStatus {
    /** Working as configured. */
    UP,
    /** Serving, but protecting itself or running on a fallback (shedding, circuit half-open, Redis fallback). */
    DEGRADED,
    /** Not serving this capability (circuit open, upstream breaker open with nothing stale). */
    DOWN;

    public HealthStatus worst(HealthStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
