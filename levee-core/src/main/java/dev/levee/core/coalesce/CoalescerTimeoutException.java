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

import dev.levee.core.RejectedException;
import dev.levee.core.RejectionReason;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * One caller waited longer than its max wait; the shared fetch goes on for the others. Suggests 504: the caller
 * timed out waiting for an upstream call, which is a gateway timeout, not an overload. {@link #retryAfter()} is
 * {@link RejectedException#FALLBACK_RETRY_AFTER}: the shared call may answer any moment (and a retry then finds
 * its result in a cache, if there is one).
 */
public final class CoalescerTimeoutException extends RejectedException {

    /** The one reason: the caller's wait ran out. */
    public enum Reason implements RejectionReason {
        /** The caller waited {@code maxWait} for the shared call. */
        WAIT_TIMEOUT("wait_timeout");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        @Override
        public String code() {
            return code;
        }
    }

    private final Duration maxWait;

    public CoalescerTimeoutException(Object key, Duration maxWait) {
        super("waited " + requireNonNull(maxWait, "maxWait").toMillis() + " ms for key " + key, FALLBACK_RETRY_AFTER,
                null);
        this.maxWait = maxWait;
    }

    public Duration maxWait() {
        return maxWait;
    }

    @Override
    public Reason reason() {
        return Reason.WAIT_TIMEOUT;
    }

    @Override
    public int suggestedStatus() {
        return 504;
    }
}
