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
package dev.levee.redis.coalesce;

/**
 * Turns a flight's outcome into bytes another instance can read: the value, and optionally the error.
 *
 * <p>Errors: {@link #encodeError} returns null for an error that must not be shared (a refusal local to the
 * holder's instance, such as its own circuit breaker being open); waiters on other instances then try the lock
 * themselves instead of failing with it.
 */
public interface ValueCodec<V> {

    byte[] encode(V value);

    V decode(byte[] bytes);

    /** The error as bytes for the waiters of other instances, or null if they should fetch themselves. */
    default byte[] encodeError(Throwable error) {
        return null;
    }

    /** The error {@link #encodeError} wrote. */
    default Throwable decodeError(byte[] bytes) {
        throw new UnsupportedOperationException("decodeError");
    }
}
