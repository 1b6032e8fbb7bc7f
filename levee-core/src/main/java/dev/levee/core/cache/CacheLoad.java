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

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The fetch a {@link SwrCache} hands its coalescer for one load (a miss or a refresh). {@link #get()} loads from the
 * origin and records the outcome in the local store, as always. A shared-store
 * {@link dev.levee.core.coalesce.FlightCoordinator} (issue 7) that sees its {@code fetch} is a {@code CacheLoad} can
 * instead answer from a shared cache tier or from another instance's flight, and then hands the outcome to
 * {@link #adopt} / {@link #adoptError} so the local store records it exactly as a local load would have (with the
 * shared entry's own times). A coordinator that ignores this interface just calls {@link #get()}.
 */
public interface CacheLoad<V> extends Supplier<CompletionStage<V>> {

    /** The policy of the read that started this load. */
    CachePolicy policy();

    /** True for a background refresh of a stale entry, false for a load of a key with nothing servable. */
    boolean refresh();

    /**
     * The entry {@link #get()} stored for {@code value} (same times), or for another value the entry it would be
     * stored as at {@code nowMillis}; null if the value must not be stored.
     */
    @Nullable CacheEntry<V> entryFor(V value, long nowMillis);

    /** A shared entry (loaded elsewhere) stored locally with its own times; returns its value. */
    @Nullable V adopt(CacheEntry<V> shared);

    /** A shared flight failed elsewhere: recorded locally as a failed load (stale-if-error, error TTL); returns it. */
    Throwable adoptError(Throwable error);
}
