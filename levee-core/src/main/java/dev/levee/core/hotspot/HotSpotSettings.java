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

import static dev.levee.core.internal.Arguments.atLeast;
import static dev.levee.core.internal.Arguments.fraction;
import static dev.levee.core.internal.Arguments.nonNegative;
import static dev.levee.core.internal.Arguments.positive;

/**
 * How one {@link HotSpotLimiter} limits calls per key.
 *
 * @param limit          at most this many calls per key in any interval of length {@code window}
 * @param window         the sliding window
 * @param queueCapacity  callers that may wait per key for a slot (0: no waiting, a full window rejects at once);
 *                       callers that only wait for their turn to be decided while an asynchronous store is asked
 *                       (at most the calls the window may still take) do not count against it
 * @param maxWait        a caller whose estimated wait exceeds this is rejected at enqueue; one still waiting
 *                       this long (the estimate was too low) is rejected then
 * @param maxKeys        keys with per-key state (queues, alert flags) at most; idle keys are expired
 * @param alertThreshold fraction of {@code limit} at which a key is "near its limit" (logged once per crossing)
 * @param topKeys        counters of the heavy-hitter sketch (the top-10 view is exact for keys well above
 *                       {@code calls / topKeys} per minute)
 */
public record HotSpotSettings(int limit, Duration window, int queueCapacity, Duration maxWait, int maxKeys,
                              double alertThreshold, int topKeys) {

    public static final int DEFAULT_MAX_KEYS = 10_000;
    public static final double DEFAULT_ALERT_THRESHOLD = 0.8;
    public static final int DEFAULT_TOP_KEYS = 256;

    public HotSpotSettings {
        positive("limit", limit);
        positive("window", window);
        nonNegative("queueCapacity", queueCapacity);
        nonNegative("maxWait", maxWait);
        positive("maxKeys", maxKeys);
        fraction("alertThreshold", alertThreshold);
        atLeast("topKeys", topKeys, 10);
    }

    /** The defaults of the design: 50 calls per 60 s, 100 waiters, 30 s max wait, 10,000 keys, alert at 80 %. */
    public static HotSpotSettings of(int limit, Duration window, int queueCapacity, Duration maxWait) {
        return new HotSpotSettings(limit, window, queueCapacity, maxWait, DEFAULT_MAX_KEYS, DEFAULT_ALERT_THRESHOLD,
                DEFAULT_TOP_KEYS);
    }

    /** Average time between slots: {@code window / limit}, the spacing used to estimate a queued caller's wait. */
    public long slotSpacingNanos() {
        return Math.max(1, window.toNanos() / limit);
    }

    /** Calls in the window at which a key alerts: {@code ceil(limit x alertThreshold)}. */
    public int alertAt() {
        return Math.max(1, (int) Math.ceil(limit * alertThreshold - 1e-9));
    }

    public HotSpotSettings withMaxKeys(int maxKeys) {
        return new HotSpotSettings(limit, window, queueCapacity, maxWait, maxKeys, alertThreshold, topKeys);
    }

    public HotSpotSettings withAlertThreshold(double alertThreshold) {
        return new HotSpotSettings(limit, window, queueCapacity, maxWait, maxKeys, alertThreshold, topKeys);
    }
}
