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
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * A value served by {@link SwrCache#get}, or by {@link dev.levee.core.readpath.ReadPath#get} (which, without a
 * cache, answers {@link CacheStatus#MISS} or {@link CacheStatus#COALESCED}).
 *
 * @param age        time since the value was loaded (zero for MISS and COALESCED)
 * @param staleError for {@link CacheStatus#STALE_IF_ERROR}, the error that made us serve stale; otherwise null
 */
public record CacheResult<V>(V value, CacheStatus status, Duration age, @Nullable Throwable staleError) {
    public CacheResult {
        requireNonNull(value, "value");
        requireNonNull(status, "status");
        requireNonNull(age, "age");
    }
}
