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

import dev.levee.core.RejectedException;
import dev.levee.core.RejectionReason;
import dev.levee.core.internal.Arguments;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A caller was not given a slot: suggests 429 (this key is over its window) with {@link #retryAfter()}, the time
 * until a slot of the key frees. Carries no stack trace (it is an expected outcome under load, not a bug).
 */
public final class HotSpotRejectedException extends RejectedException {

    /** Why a caller was rejected. */
    public enum Reason implements RejectionReason {
        /** The key's wait queue was full. */
        QUEUE_FULL("queue_full"),
        /** The estimated wait (time until a slot frees + queue position x slot spacing) exceeded max wait. */
        WAIT_TOO_LONG("wait_too_long"),
        /** The caller waited max wait without getting a slot (the estimate was too low). */
        WAIT_TIMEOUT("wait_timeout"),
        /** Every key slot of the limiter is active, so this key cannot queue; its window was full. */
        KEYS_EXHAUSTED("keys_exhausted");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        @Override
        public String code() {
            return code;
        }
    }

    private final String key;
    private final Reason reason;
    private final long retryAfterNanos;

    public HotSpotRejectedException(String key, Reason reason, long retryAfterNanos) {
        super(requireNonNull(reason, "reason") + " for key " + key + ", retry after "
                + TimeUnit.NANOSECONDS.toMillis(retryAfterNanos) + " ms", retryAfter(retryAfterNanos), null);
        this.key = requireNonNull(key, "key");
        this.reason = reason;
        this.retryAfterNanos = retryAfterNanos;
    }

    private static Duration retryAfter(long retryAfterNanos) {
        Arguments.nonNegative("retryAfterNanos", retryAfterNanos);
        return Duration.ofNanos(retryAfterNanos);
    }

    public String key() {
        return key;
    }

    @Override
    public Reason reason() {
        return reason;
    }

    @Override
    public int suggestedStatus() {
        return 429;
    }

    /**
     * Time until a slot of the key frees, as known at rejection (0 if one freed meanwhile).
     *
     * @deprecated use {@link #retryAfter()}, the same time as a {@link Duration} (raised to 1 ms if 0)
     */
    @Deprecated(since = "0.1.0")
    public long retryAfterNanos() {
        return retryAfterNanos;
    }

    /**
     * {@link #retryAfterNanos()} rounded up to whole seconds, at least 1 (a Retry-After of 0 invites a spin).
     *
     * @deprecated use {@link RejectedException#retryAfterSeconds(Duration)} of {@link #retryAfter()}, the one
     *             rounding rule for every rejection
     */
    @Deprecated(since = "0.1.0")
    public long retryAfterSeconds() {
        return retryAfterSeconds(retryAfter());
    }
}
