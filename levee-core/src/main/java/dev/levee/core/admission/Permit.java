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
package dev.levee.core.admission;

import java.time.Duration;

/**
 * One unit of the global concurrency limit, held by one admitted request. Release it exactly when the request
 * is done (response sent, client gone, handler failed); releasing again does nothing, so every exit path may
 * call {@link #release()} without coordinating with the others. It is {@link AutoCloseable}: a
 * try-with-resources block around the admitted work releases it on every exit.
 */
public interface Permit extends AutoCloseable {

    /** The class the request was admitted in. */
    String admissionClass();

    /** How long the request queued before it got this permit (zero when admitted at once). */
    Duration waited();

    /**
     * Returns the permit; true if this call released it, false if it was already released. With an
     * {@link AdaptiveLimit}, the time held is a latency sample of the backend: use it for requests that reached it.
     */
    boolean release();

    /**
     * {@link #release()} for a request that did not reach the backend (served from a cache, refused locally):
     * its time is no sample of the backend's latency. The same as {@code release()} with a static limit.
     */
    default boolean releaseWithoutSample() {
        return release();
    }

    /**
     * {@link #release()} for a request the backend dropped (timed out, refused under load): with an
     * {@link AdaptiveLimit}, drops make the limit back off. The same as {@code release()} with a static limit.
     */
    default boolean releaseDropped() {
        return release();
    }

    /** {@link #release()}, for try-with-resources. */
    @Override
    default void close() {
        release();
    }
}
