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
package dev.levee.gateway.chain;

/**
 * The stages of the public request chain, in the only order they may run (declaration order of this enum).
 * {@link RequestChain} rejects a chain whose filters are out of this order or name a stage twice; a stage may be
 * absent (a gateway built without the feature that owns it).
 */
public enum Stage {
    /** Starts the request clock, records {@code levee_http_requests_seconds} when the response ends. */
    METRICS,
    /**
     * Takes the client's well-formed {@code X-Request-Id} or generates one (sent upstream and back), and writes the
     * access-log line when the response ends; writes {@link RequestState#requestId()}.
     */
    REQUEST_ID,
    /** Probes, and the ops endpoints behind the admin token: ends every ops request. */
    OPS,
    /**
     * Starts the request's server span (W3C {@code traceparent} from the client as its parent) and ends it with the
     * response; writes {@link RequestState#trace()}. Only when {@code tracing.otlp-endpoint} is set.
     */
    TRACING,
    /** Matches the configured route once, on the canonical path; writes {@link RequestState#route()}. */
    ROUTE_MATCH,
    /** Checks and strips {@code X-Levee-Warm}; writes {@link RequestState#warming()}. */
    WARMING,
    /** JWT check and classification; writes the client class and identity. Ends 401s and ops-prefix 404s. */
    AUTHENTICATION,
    /** Reads the body, then priority admission; ends sheds (429 / 503) and body errors. */
    ADMISSION,
    /** {@code POST /api/v1/events}: ends every event ingestion. */
    EVENTS,
    /** GET and HEAD on a matched route: cache, coalescer, hot-spot window, breaker, upstream. */
    READ_PATH,
    /** A hot-spot route's request the read path did not serve takes a window slot before the proxy. */
    HOT_SPOT_PROXY,
    /** Everything left, streamed to the upstream. */
    PROXY
}
