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
package dev.levee.gateway.http;

import dev.levee.core.RejectedException;
import dev.levee.core.admission.AdmissionRejectedException;
import dev.levee.core.breaker.BreakerOpenException;
import dev.levee.core.coalesce.CoalescerOverflowException;
import dev.levee.core.coalesce.CoalescerTimeoutException;
import dev.levee.core.events.EventRejectedException;
import dev.levee.core.hotspot.HotSpotRejectedException;
import dev.levee.gateway.upstream.UpstreamBusyException;
import dev.levee.redis.events.EventNotDurableException;

import static java.util.Objects.requireNonNull;

/**
 * The one place where a primitive's "not now" becomes a response: the status is the rejection's
 * {@link RejectedException#suggestedStatus()}; a 429 or 503 carries Retry-After (and the body's
 * {@code retry_after}) as {@link RejectedException#retryAfter()} in whole seconds, rounded up, at least 1
 * ({@link RejectedException#retryAfterSeconds}); a 504 (a coalescer wait that ran out) carries none, as no HTTP
 * semantics give Retry-After to a gateway timeout. The error strings and extra fields are the ones the README
 * documents per primitive.
 */
public final class Rejections {
    private Rejections() {
    }

    public static HttpError toHttpError(RejectedException r) {
        requireNonNull(r, "r");
        return switch (r) {
            case AdmissionRejectedException a ->
                    error(a, a.suggestedStatus() == 503 ? "Queue timeout" : "Server busy")
                            .with("priority", a.admissionClass());
            case HotSpotRejectedException h -> error(h, "Too many requests for this resource").with("key", h.key());
            case CoalescerTimeoutException t -> error(t, "Upstream timeout")
                    .with("reason", "waited max-wait for a shared upstream call")
                    .with("max_wait_ms", t.maxWait().toMillis());
            case CoalescerOverflowException o -> error(o, "Too many waiting requests");
            case BreakerOpenException b -> error(b, "Upstream circuit open");
            case EventRejectedException e -> eventRejected(e);
            case EventNotDurableException n -> error(n, "Event not stored durably")
                    .with("reason", n.reason().code())
                    .with("detail", n.getMessage())
                    .with("replicas_required", n.required())
                    .with("replicas_acknowledged", Math.max(0, n.acknowledged()));
            case UpstreamBusyException u -> error(u, "Upstream busy").with("max_in_flight", u.maxInFlight());
            default -> error(r, r.suggestedStatus() == 429 ? "Too many requests" : "Service unavailable")
                    .with("reason", r.reason().code());
        };
    }

    private static HttpError eventRejected(EventRejectedException e) {
        String title = switch (e.reason()) {
            case SHUTTING_DOWN -> "Shutting down"; // this instance will not deliver it in time: send it elsewhere
            case JOURNAL_FULL -> "Event journal full";
            default -> "Queue overloaded";
        };
        return error(e, title)
                .with("reason", e.reason().code())
                .with("priority", e.priority())
                .with("circuit", e.state().name());
    }

    private static HttpError error(RejectedException r, String error) {
        int status = r.suggestedStatus();
        return status == 429 || status == 503
                ? HttpError.withRetryAfter(status, error, RejectedException.retryAfterSeconds(r.retryAfter()))
                : HttpError.of(status, error);
    }
}
