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

    /** Returns the permit; true if this call released it, false if it was already released. */
    boolean release();

    /** {@link #release()}, for try-with-resources. */
    @Override
    default void close() {
        release();
    }
}
