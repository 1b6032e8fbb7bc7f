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
package dev.levee.core.hotspot;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;

/**
 * Where the per-key sliding windows live: in memory ({@link #inMemory}) or shared by several instances (the
 * Redis implementation in {@code levee-redis}). The {@link HotSpotLimiter} keeps the wait queues locally and asks
 * the store for one decision at a time per key.
 *
 * <p>The contract of one decision, {@link #tryAcquire}: if fewer than {@code limit} calls are counted for
 * {@code key} in the window of length {@code window} ending now, record a call and answer allowed; otherwise
 * answer denied with the time until the earliest counted call leaves the window. A recorded call stays counted
 * until the caller reports it ended ({@link #callEnded}) and then for one more {@code window}, so the upstream
 * sees at most {@code limit} calls in any interval of length {@code window} even when calls take time to arrive
 * (the call is counted from before it is sent until {@code window} after its answer). A store that cannot track
 * ends (a plain sliding log) may ignore {@link #callEnded}; it is then exact on send times only.
 *
 * <p>{@code nowNanos} is the limiter's {@link dev.levee.core.time.Ticker#read()}; a shared store should use its
 * own single clock instead (Redis {@code TIME}) so instances agree.
 */
public interface WindowStore extends AutoCloseable {

    /** One decision for {@code key}; never fails for "denied" (that is an answer), only for store errors. */
    CompletionStage<WindowDecision> tryAcquire(String key, int limit, Duration window, long nowNanos);

    /** The call recorded by {@code grant} got its answer at {@code nowNanos}; its slot frees one window later. */
    default void callEnded(String key, WindowDecision grant, long nowNanos) {}

    /** The call recorded by {@code grant} was never sent: forget it (its slot frees at once). */
    default void refund(String key, WindowDecision grant, long nowNanos) {}

    /** Calls counted for {@code key} now, if the store can tell without I/O (for reporting only). */
    default OptionalInt peekCount(String key, Duration window, long nowNanos) {
        return OptionalInt.empty();
    }

    /**
     * Time until {@code key} has a free slot (0 if it has one now), if the store can tell without I/O; the limiter
     * uses it for the Retry-After of a caller it rejects while no decision has told it yet.
     */
    default OptionalLong peekRetryAfter(String key, int limit, Duration window, long nowNanos) {
        return OptionalLong.empty();
    }

    /** Housekeeping: forget keys with nothing in their window. Stores with their own expiry ignore it. */
    default void expireIdle(long nowNanos) {}

    /** Keys the store holds state for now (for reporting; -1 if unknown). */
    default int size() {
        return -1;
    }

    @Override
    default void close() {}

    /**
     * The in-memory store: exact sliding logs for at most {@code maxKeys} keys. A key with calls in its window is
     * never evicted; when every one of the {@code maxKeys} logs is active, further new keys are limited locally:
     * each by its own calls, counted in a shared count-min sketch that can only overestimate them (so no key can
     * exceed its limit, and junk keys filling the logs do not lock real ones out), until a log frees up and they
     * move to a log of their own seeded with what the sketch counted for them.
     */
    static WindowStore inMemory(int maxKeys) {
        return new MemoryWindowStore(maxKeys);
    }
}
