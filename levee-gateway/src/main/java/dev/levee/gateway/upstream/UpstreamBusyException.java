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
package dev.levee.gateway.upstream;

import dev.levee.core.RejectedException;
import dev.levee.core.RejectionReason;

/**
 * The gateway's own "not now" for the upstream: {@code upstream.max-in-flight} requests are at it already (or the
 * connection pool's wait queue is full). Refused before sending, so it says nothing about the upstream's health;
 * 503 with {@link RejectedException#FALLBACK_RETRY_AFTER}, since nobody can tell when an upstream call ends.
 */
public final class UpstreamBusyException extends RejectedException {
    /** The one reason: the in-flight bound. */
    public static final RejectionReason UPSTREAM_BUSY = () -> "upstream_busy";

    private final int maxInFlight;

    public UpstreamBusyException(int maxInFlight) {
        super("upstream.max-in-flight " + maxInFlight + " reached", FALLBACK_RETRY_AFTER, null);
        this.maxInFlight = maxInFlight;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    @Override
    public RejectionReason reason() {
        return UPSTREAM_BUSY;
    }

    @Override
    public int suggestedStatus() {
        return 503;
    }
}
