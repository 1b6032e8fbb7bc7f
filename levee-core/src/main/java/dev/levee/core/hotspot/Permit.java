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
 * A slot in a key's window, held by one upstream call. The call is counted from the moment the permit is granted;
 * the holder ends it exactly once:
 * <ul>
 *   <li>{@link #release()} when the call got its answer (success or failure): the slot stays counted for one more
 *       window from now and then frees, so the upstream never sees more than the limit in any window even when
 *       calls take time to reach it;</li>
 *   <li>{@link #refund()} when the call was never sent: the slot frees at once and the next waiter may take it.</li>
 * </ul>
 * Only the first of these calls has an effect; later ones return false. A permit that is never ended keeps its
 * slot (and its key) forever, so holders end it in a finally block, a try-with-resources block ({@link #close()}
 * releases) or the future's completion.
 */
public interface Permit extends AutoCloseable {

    String key();

    /** The limiter's ticker reading when the call was granted. */
    long grantedAtNanos();

    /** The call got its answer; returns true if this call ended the permit. */
    boolean release();

    /** The call was never sent; returns true if this call ended the permit. */
    boolean refund();

    /**
     * {@link #release()} unless the permit was already ended (for example refunded because the call was never sent),
     * for try-with-resources around the upstream call.
     */
    @Override
    default void close() {
        release();
    }
}
