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
package dev.levee.core.cache;

import java.time.Duration;

import static dev.levee.core.internal.Arguments.nonNegative;
import static dev.levee.core.internal.Arguments.positive;
import static java.util.Objects.requireNonNull;

/**
 * How long one use of the cache keeps what it loads (a route's {@code cache:} block).
 *
 * @param fresh    served without asking the upstream
 * @param stale    after {@code fresh}, still served (stale) while one background refresh runs, and on upstream
 *                 errors (stale-if-error)
 * @param errorTtl an upstream error for a key with nothing servable is remembered this long (jittered by
 *                 {@code -20 %..+20 %}), so one failing key does not hammer the upstream; zero disables it
 */
public record CachePolicy(Duration fresh, Duration stale, Duration errorTtl) {
    public CachePolicy {
        requireNonNull(fresh, "fresh");
        requireNonNull(stale, "stale");
        requireNonNull(errorTtl, "errorTtl");
        positive("fresh", fresh);
        nonNegative("stale", stale);
        nonNegative("errorTtl", errorTtl);
    }
}
