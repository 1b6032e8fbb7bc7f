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

/** Where a cached read's value came from (the gateway's {@code X-Cache} header). */
public enum CacheStatus {
    /** Fresh entry. */
    HIT,
    /** Entry past fresh but inside stale; one background refresh was started (or is running). */
    STALE,
    /** Entry inside stale served because refreshing it failed (stale-if-error). */
    STALE_IF_ERROR,
    /** Nothing servable: this caller's request was the one that fetched. */
    MISS,
    /** Nothing servable: this caller joined a fetch another caller started. */
    COALESCED
}
