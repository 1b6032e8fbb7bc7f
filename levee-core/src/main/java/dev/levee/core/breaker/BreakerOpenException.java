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
package dev.levee.core.breaker;

import dev.levee.core.RejectedException;
import dev.levee.core.RejectionReason;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * The breaker refused the call: open (or half-open with every probe in use). Suggests 503 (the upstream is being
 * protected) with {@link #retryAfter()}, the time until the breaker lets calls or probes through again.
 */
public final class BreakerOpenException extends RejectedException {

    /** Why the breaker refused. */
    public enum Reason implements RejectionReason {
        /** Open (or forced open): no call goes through until its open time is over. */
        CIRCUIT_OPEN("circuit_open"),
        /** Half-open with every probe call in use: the probes answer soon. */
        PROBES_IN_USE("probes_in_use");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        @Override
        public String code() {
            return code;
        }
    }

    private final BreakerState state;

    public BreakerOpenException(String name, BreakerState state, Duration retryAfter) {
        super("circuit breaker " + name + " is " + state + "; retry after "
                + requireNonNull(retryAfter, "retryAfter").toMillis() + " ms", retryAfter, null);
        this.state = requireNonNull(state, "state");
    }

    public BreakerState state() {
        return state;
    }

    @Override
    public Reason reason() {
        return state == BreakerState.HALF_OPEN ? Reason.PROBES_IN_USE : Reason.CIRCUIT_OPEN;
    }

    @Override
    public int suggestedStatus() {
        return 503;
    }
}
