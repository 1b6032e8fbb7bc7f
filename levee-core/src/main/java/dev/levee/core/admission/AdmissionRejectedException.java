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

import dev.levee.core.RejectedException;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Completes a waiter's future when the request is shed. Carries what the client must be told: the reason, the
 * class, and when to retry (whole seconds, at least one). Suggests 429 when it was shed on arrival or pushed
 * out, and 503 when it waited its max wait (the server, not this client, is too slow).
 */
public final class AdmissionRejectedException extends RejectedException {
    private final ShedReason reason;
    private final String admissionClass;

    public AdmissionRejectedException(ShedReason reason, String admissionClass, Duration retryAfter) {
        super(requireNonNull(reason, "reason").code() + " (class " + admissionClass + ", retry after "
                + requireNonNull(retryAfter, "retryAfter").toSeconds() + "s)", retryAfter, null);
        this.reason = reason;
        this.admissionClass = requireNonNull(admissionClass, "admissionClass");
    }

    @Override
    public ShedReason reason() {
        return reason;
    }

    public String admissionClass() {
        return admissionClass;
    }

    @Override
    public int suggestedStatus() {
        return reason == ShedReason.TIMEOUT ? 503 : 429;
    }

    /**
     * {@link #retryAfter()} in seconds, as Retry-After wants it.
     *
     * @deprecated use {@link RejectedException#retryAfterSeconds(Duration)} of {@link #retryAfter()}, the one
     *             rounding rule for every rejection
     */
    @Deprecated(since = "0.1.0")
    public long retryAfterSeconds() {
        return retryAfter().toSeconds();
    }
}
