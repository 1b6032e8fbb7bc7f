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
package dev.levee.servlet;

import dev.levee.core.ClosedException;
import dev.levee.core.RejectedException;
import dev.levee.core.admission.AdmissionRejectedException;
import dev.levee.core.breaker.BreakerOpenException;
import dev.levee.core.coalesce.CoalescerOverflowException;
import dev.levee.core.coalesce.CoalescerTimeoutException;
import dev.levee.core.events.EventRejectedException;
import dev.levee.core.hotspot.HotSpotRejectedException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static java.util.Objects.requireNonNull;

/**
 * A Levee refusal as the gateway answers it, for an application that serves HTTP itself: the status, the
 * Retry-After in whole seconds and the JSON body, with the same error strings and fields as the gateway's
 * {@code http/ErrorMapper} (README, "Endpoints"). Framework-free: {@link AdmissionFilter} writes it to a servlet
 * response, and any other handler can write {@link #status()}, {@link #retryAfterSeconds()} and {@link #body()}.
 * <ul>
 *   <li>an admission shed: 429 {@code {"error":"Server busy","retry_after":N,"priority":"browser"}}, or 503
 *       {@code "Queue timeout"} (same fields) when it waited its max wait;</li>
 *   <li>a hot-spot reject: 429 {@code "Too many requests for this resource"} with the {@code key};</li>
 *   <li>a coalescer timeout: 504 {@code "Upstream timeout"} with {@code reason} and {@code max_wait_ms}, and no
 *       Retry-After (no HTTP semantics give one to a gateway timeout);</li>
 *   <li>a full coalescer: 503 {@code "Too many waiting requests"}; an open breaker: 503
 *       {@code "Upstream circuit open"}; a refused event: 503 with {@code reason}, {@code priority} and
 *       {@code circuit};</li>
 *   <li>a primitive closed under a waiting call ({@link ClosedException}): 503 {@code "Shutting down"}.</li>
 * </ul>
 * Every 429 and 503 carries {@code Retry-After} equal to the body's {@code retry_after}: the primitive's
 * {@link RejectedException#retryAfter()} rounded up to whole seconds, at least 1
 * ({@link RejectedException#retryAfterSeconds}, the one rounding rule).
 *
 * @param status            the HTTP status
 * @param retryAfterSeconds the Retry-After header's value, or -1 for none
 * @param body              the JSON body, compact, an {@code error} field first
 */
public record RejectionResponse(int status, long retryAfterSeconds, String body) {

    /** Content-Type of {@link #body()}. */
    public static final String CONTENT_TYPE = "application/json";

    public RejectionResponse {
        requireNonNull(body, "body");
        if (retryAfterSeconds < -1) {
            throw new IllegalArgumentException("retryAfterSeconds: " + retryAfterSeconds + " (expected: >= -1)");
        }
    }

    /** {@code rejection} as the gateway answers it. */
    public static RejectionResponse of(RejectedException rejection) {
        requireNonNull(rejection, "rejection");
        return switch (rejection) {
            case AdmissionRejectedException a -> answer(a, a.suggestedStatus() == 503 ? "Queue timeout" : "Server busy",
                    Map.of("priority", a.admissionClass()));
            case HotSpotRejectedException h -> answer(h, "Too many requests for this resource", Map.of("key", h.key()));
            case CoalescerTimeoutException t -> answer(t, "Upstream timeout", ordered(
                    "reason", "waited max-wait for a shared upstream call", "max_wait_ms", t.maxWait().toMillis()));
            case CoalescerOverflowException o -> answer(o, "Too many waiting requests", Map.of());
            case BreakerOpenException b -> answer(b, "Upstream circuit open", Map.of());
            case EventRejectedException e -> answer(e, switch (e.reason()) {
                        case SHUTTING_DOWN -> "Shutting down";
                        case JOURNAL_FULL -> "Event journal full";
                        default -> "Queue overloaded";
                    }, ordered("reason", e.reason().code(), "priority", e.priority(), "circuit", e.state().name()));
            default -> answer(rejection, rejection.suggestedStatus() == 429 ? "Too many requests"
                    : "Service unavailable", Map.of("reason", rejection.reason().code()));
        };
    }

    /**
     * The answer to {@code error} if Levee refused the call (a {@link RejectedException}) or a primitive was closed
     * under it (a {@link ClosedException}), looking through {@code CompletionException} and
     * {@code ExecutionException}; empty for any other failure, which is the application's to answer.
     */
    public static Optional<RejectionResponse> forFailure(Throwable error) {
        requireNonNull(error, "error");
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof RejectedException r) {
            return Optional.of(of(r));
        }
        if (e instanceof ClosedException) {
            return Optional.of(new RejectionResponse(503, -1, "{\"error\":\"Shutting down\"}"));
        }
        return Optional.empty();
    }

    private static RejectionResponse answer(RejectedException r, String error, Map<String, Object> fields) {
        int status = r.suggestedStatus();
        long retryAfter = status == 429 || status == 503 ? RejectedException.retryAfterSeconds(r.retryAfter()) : -1;
        StringBuilder json = new StringBuilder(96).append("{\"error\":");
        string(json, error);
        if (retryAfter >= 0) {
            json.append(",\"retry_after\":").append(retryAfter);
        }
        fields.forEach((name, value) -> {
            json.append(",\"").append(name).append("\":");
            if (value instanceof Number n) {
                json.append(n);
            } else {
                string(json, value.toString());
            }
        });
        return new RejectionResponse(status, retryAfter, json.append('}').toString());
    }

    private static Map<String, Object> ordered(Object... namesAndValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return fields;
    }

    /** A JSON string: class names and keys come from requests, so quotes, backslashes and controls are escaped. */
    private static void string(StringBuilder json, String s) {
        json.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        json.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
