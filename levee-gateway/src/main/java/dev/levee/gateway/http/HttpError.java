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

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * A request that ends in an error response: status, JSON body (always with an {@code error} field) and an
 * optional Retry-After. Any stage may fail its future with one; {@link JsonResponses#sendError} renders it, and
 * the header and the body's {@code retry_after} always agree because both come from {@link #retryAfterSeconds}.
 */
public final class HttpError extends RuntimeException {
    private final int status;
    private final Map<String, Object> body;
    private final long retryAfterSeconds;
    private boolean closesConnection;

    private HttpError(int status, Map<String, Object> body, long retryAfterSeconds) {
        super(status + " " + body.get("error"), null, false, false);
        this.status = status;
        this.body = body;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static HttpError of(int status, String error) {
        requireNonNull(error, "error");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        return new HttpError(status, body, -1);
    }

    /** An error with Retry-After; the body gets {@code retry_after} right after {@code error}. */
    public static HttpError withRetryAfter(int status, String error, long retryAfterSeconds) {
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("retryAfterSeconds: " + retryAfterSeconds + " (expected: >= 0)");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("retry_after", retryAfterSeconds);
        return new HttpError(status, body, retryAfterSeconds);
    }

    /** Adds a field to the body (kept in insertion order). */
    public HttpError with(String field, @Nullable Object value) {
        body.put(field, value);
        return this;
    }

    /**
     * Marks the error as one after which the connection is closed, once the response is written: the rest of the
     * request body is then never read (a 413 on a streamed gigabyte, a body too slow to wait for).
     */
    public HttpError closingConnection() {
        closesConnection = true;
        return this;
    }

    /** True if {@link JsonResponses#sendError} closes the connection after writing this error. */
    public boolean closesConnection() {
        return closesConnection;
    }

    public int status() {
        return status;
    }

    public Map<String, Object> body() {
        return body;
    }

    /** Seconds for Retry-After, or -1 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static HttpError badRequest(String error) {
        return of(400, error);
    }

    public static HttpError payloadTooLarge(long limitBytes) {
        return of(413, "Request body too large").with("limit_bytes", limitBytes).closingConnection();
    }
}
