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

/**
 * Too many callers waiting (for this key, or in total); the caller was turned away without waiting. Suggests 503
 * with {@link RejectedException#FALLBACK_RETRY_AFTER}: the coalescer cannot tell when a waiter's place frees.
 */
public final class CoalescerOverflowException extends RejectedException {

    /** Which bound was hit. */
    public enum Reason implements RejectionReason {
        /** {@code maxWaitersPerKey}: this key has as many waiters as it may. */
        KEY_WAITERS_FULL("key_waiters_full"),
        /** {@code maxWaiters}: the coalescer has as many waiters, over all keys, as it may. */
        WAITERS_FULL("waiters_full");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        @Override
        public String code() {
            return code;
        }
    }

    private final boolean perKey;
    private final int limit;

    public CoalescerOverflowException(Object key, boolean perKey, int limit) {
        super((perKey ? "waiters for key " + key : "waiters in total") + " at limit " + limit, FALLBACK_RETRY_AFTER,
                null);
        this.perKey = perKey;
        this.limit = limit;
    }

    /** True if the per-key bound was hit, false for the total bound. */
    public boolean perKey() {
        return perKey;
    }

    public int limit() {
        return limit;
    }

    @Override
    public Reason reason() {
        return perKey ? Reason.KEY_WAITERS_FULL : Reason.WAITERS_FULL;
    }

    @Override
    public int suggestedStatus() {
        return 503;
    }
}
