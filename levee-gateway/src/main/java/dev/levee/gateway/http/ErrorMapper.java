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

import dev.levee.core.ClosedException;
import dev.levee.core.RejectedException;
import dev.levee.core.admission.AdmissionRejectedException;
import dev.levee.core.breaker.BreakerOpenException;
import dev.levee.core.coalesce.CoalescerOverflowException;
import dev.levee.core.coalesce.CoalescerTimeoutException;
import dev.levee.core.events.EventRejectedException;
import dev.levee.core.hotspot.HotSpotRejectedException;
import dev.levee.gateway.upstream.UpstreamBusyException;
import dev.levee.redis.events.EventNotDurableException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * The one error mapper of the gateway (as Armeria's {@code ServerErrorHandler}): every stage and the routers' error
 * handlers turn a failure into status, Retry-After and JSON body here, and {@link JsonResponses#sendError} writes it.
 * <ul>
 *   <li>an {@link HttpError} as it is;</li>
 *   <li>a primitive's "not now" ({@link RejectedException} and subclasses): the status is
 *       {@link RejectedException#suggestedStatus()}; a 429 or 503 carries Retry-After (and the body's
 *       {@code retry_after}) as {@link RejectedException#retryAfter()} in whole seconds, rounded up, at least 1
 *       ({@link RejectedException#retryAfterSeconds}, the one rounding rule); a 504 (a coalescer wait that ran
 *       out) carries none, as no HTTP semantics give Retry-After to a gateway timeout. The error strings and extra
 *       fields are the ones the README documents per primitive;</li>
 *   <li>a primitive closed under a waiting request at shutdown (core fails it with a {@link ClosedException},
 *       e.g. "hot-spot limiter closed"): 503 "Shutting down", wherever
 *       it surfaces (read path or proxy guard);</li>
 *   <li>anything else: the stage's fallback, 500 "Internal error" unless the stage names another (the read path's
 *       502 "Upstream error" for a failed upstream call).</li>
 * </ul>
 * {@code CompletionException} and {@code ExecutionException} wrappers are looked through first.
 */
public final class ErrorMapper {
    private ErrorMapper() {
    }

    /** {@code error} as the gateway answers it; an unexpected failure is a 500 (and logged by the caller). */
    public static HttpError toHttpError(Throwable error) {
        return toHttpError(error, e -> HttpError.of(500, "Internal error"));
    }

    /** {@code error} as the gateway answers it; {@code unexpected} maps what is neither an error nor a refusal. */
    public static HttpError toHttpError(Throwable error, Function<Throwable, HttpError> unexpected) {
        requireNonNull(error, "error");
        Throwable e = unwrap(error);
        if (e instanceof HttpError he) {
            return he;
        }
        if (e instanceof RejectedException r) {
            return rejected(r);
        }
        if (closedAtShutdown(e)) {
            return HttpError.of(503, "Shutting down");
        }
        return unexpected.apply(e);
    }

    /** True for what {@link #toHttpError(Throwable)} answers from the failure itself (not a 500 to be logged). */
    static boolean expected(Throwable error) {
        Throwable e = unwrap(error);
        return e instanceof HttpError || e instanceof RejectedException || closedAtShutdown(e);
    }

    /** The failure inside completion wrappers. */
    public static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static boolean closedAtShutdown(Throwable e) {
        return e instanceof ClosedException;
    }

    private static HttpError rejected(RejectedException r) {
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
