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
package dev.levee.core.coalesce;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The SPI seam for coalescing across instances. A {@link RequestCoalescer} coalesces callers within one
 * process; its leader for a key then runs the fetch through this coordinator. The local coordinator simply
 * calls {@code fetch}; a shared-store implementation (Redis, issue 7) can instead take a per-key lock, and
 * either run {@code fetch} and publish the result, or wait for the result another instance publishes.
 *
 * <p>Contract: called once per local flight, outside any lock; may throw or return a failed stage (the
 * coalescer treats both as the flight's error); must complete the returned stage eventually (the coalescer's
 * per-caller deadlines protect callers, not the flight entry).
 */
@FunctionalInterface
public interface FlightCoordinator<K, V> {

    CompletionStage<V> run(K key, Supplier<? extends CompletionStage<V>> fetch);

    /** Runs every fetch locally. */
    static <K, V> FlightCoordinator<K, V> local() {
        return (key, fetch) -> fetch.get();
    }
}
