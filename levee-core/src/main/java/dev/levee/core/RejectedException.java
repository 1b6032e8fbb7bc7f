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
package dev.levee.core;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

import static dev.levee.core.internal.Arguments.nonNegative;
import static java.util.Objects.requireNonNull;

/**
 * A call was refused for now (not failed): admission shed it, the coalescer had no room or the caller waited
 * too long, the hot-spot limiter rejected it, the breaker is open, or the event pipeline refused the event. Every
 * such refusal of every Levee primitive is one of these, so one handler can answer all of them:
 * {@link #suggestedStatus()} with a Retry-After of {@link #retryAfter()}.
 *
 * <p>Stackless: a refusal is a normal, frequent outcome under load, not a bug, and filling in a stack trace per
 * refusal would cost the most exactly when the process is busiest.
 */
public abstract class RejectedException extends RuntimeException {
    /**
     * The estimate a primitive gives when it cannot tell better (a full coalescer, a write the replicas did not
     * confirm): one second, the shortest Retry-After HTTP can say.
     */
    public static final Duration FALLBACK_RETRY_AFTER = Duration.ofSeconds(1);

    /** The smallest {@link #retryAfter()}: a zero estimate (the resource freed meanwhile) is raised to this. */
    private static final Duration MIN_RETRY_AFTER = Duration.ofMillis(1);

    private final Duration retryAfter;

    /**
     * @param retryAfter the primitive's best estimate of when a retry can succeed; not negative (zero is raised
     *                   to 1 ms, so that {@link #retryAfter()} is always positive)
     */
    protected RejectedException(String message, Duration retryAfter, @Nullable Throwable cause) {
        super(message, cause, false, false);
        nonNegative("retryAfter", retryAfter);
        this.retryAfter = retryAfter.isZero() ? MIN_RETRY_AFTER : retryAfter;
    }

    /** Why the call was refused; {@link RejectionReason#code()} is its stable lower_snake name. */
    public abstract RejectionReason reason();

    /**
     * When a retry can succeed, as well as the primitive can tell: never null and always positive (a primitive
     * with no estimate says {@link #FALLBACK_RETRY_AFTER}, never zero for "unknown"). An HTTP Retry-After is this
     * rounded up to whole seconds, at least 1 (see {@link #retryAfterSeconds(Duration)}).
     */
    public final Duration retryAfter() {
        return retryAfter;
    }

    /**
     * The HTTP status this refusal suggests: 429 when this caller, class or key is over its limit (admission shed,
     * hot-spot window), 503 when the service is overloaded or protecting an upstream (admission queue timeout,
     * coalescer full, breaker open, event pipeline refusing), 504 when the caller waited its max wait for a
     * shared upstream call (a coalescer timeout is a gateway timeout).
     */
    public abstract int suggestedStatus();

    /**
     * The one rounding rule for Retry-After: whole seconds, rounded up, at least 1 (a Retry-After of 0 invites a
     * spin).
     */
    public static long retryAfterSeconds(Duration retryAfter) {
        requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            return 1;
        }
        long seconds = retryAfter.getSeconds();
        return Math.max(1, retryAfter.getNano() > 0 ? seconds + 1 : seconds);
    }
}
