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

/**
 * Told what a {@link HotSpotLimiter} does that users act on (set with {@link HotSpotLimiter.Builder#listener}).
 * Every method has a no-op default; implement those you need. The default listener is {@link #logging()}. Called
 * on the thread that decided (a caller's, the scheduler's, or the one completing a window store's answer),
 * outside the limiter's locks: keep it short and do not block. An exception it throws is caught and logged once;
 * it never reaches the limiter.
 */
public interface HotSpotListener {

    /** A caller was rejected (queue full, estimated wait too long, waited its max wait, or no key state left). */
    default void onRejected(HotSpotRejectedException rejection) {}

    /**
     * A grant took {@code key} to the alert threshold ({@link HotSpotSettings#alertThreshold()} of the limit):
     * told once per key until its count falls below it again.
     *
     * @param calls the key's calls in the current window, this one included
     */
    default void onAlert(String key, long calls, HotSpotSettings settings) {}

    /** Logs each alert at WARN, as the limiter always has; rejections are counted, not logged. */
    static HotSpotListener logging() {
        return LoggingHotSpotListener.INSTANCE;
    }
}
