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
/**
 * Stale-while-revalidate caching: {@link dev.levee.core.cache.SwrCache} on Caffeine, loading through a
 * {@link dev.levee.core.coalesce.RequestCoalescer} (one load per key, one background refresh per stale key),
 * with stale-if-error and short jittered negative caching.
 *
 * <p>SPI seam for scale-out: {@link dev.levee.core.cache.CacheStore} holds {@link dev.levee.core.cache.CacheEntry}s
 * whose times are epoch milliseconds, so a shared tier means the same on every instance.
 */
@NullMarked
package dev.levee.core.cache;

import org.jspecify.annotations.NullMarked;
