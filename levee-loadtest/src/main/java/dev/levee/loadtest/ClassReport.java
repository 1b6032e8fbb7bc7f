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
package dev.levee.loadtest;

import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * What the clients of one class (or all of them: name {@code total}) got. Every request sent ends in exactly one of
 * {@code ok}, {@code throttled}, {@code otherStatus}, {@code serverErrors} or {@code errors}, so they add up to
 * {@code sent}. Latencies are of answered requests only (sending to the last byte of the body), in microseconds.
 *
 * @param name         class name ({@code agent}, {@code active_bettor}, {@code browser}) or {@code total}
 * @param clients      clients of this class
 * @param sent         requests sent
 * @param ok           answered 2xx
 * @param throttled    answered 429
 * @param otherStatus  answered 1xx, 3xx or 4xx other than 429
 * @param serverErrors answered 5xx
 * @param errors       not answered: timeout, connection refused or reset
 * @param throughput   requests answered or failed per second of the run
 * @param p50Micros    latency percentiles and maximum, microseconds (0 if nothing was answered)
 * @param errorTypes   not-answered requests by cause ({@code timeout}, {@code connect}, {@code closed}, ...)
 * @param retryAfter   how often each {@code Retry-After} value (seconds) was seen on 429s; at most 64 distinct values
 */
public record ClassReport(String name, int clients, long sent, long ok, long throttled, long otherStatus,
                          long serverErrors, long errors, double throughput, long p50Micros, long p90Micros,
                          long p99Micros, long maxMicros, double meanMicros, Map<String, Long> errorTypes,
                          Map<Long, Long> retryAfter) {
    public ClassReport {
        requireNonNull(name, "name");
        errorTypes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(errorTypes));
        retryAfter = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(retryAfter));
    }

    /** Answered requests (any status). */
    public long answered() {
        return ok + throttled + otherStatus + serverErrors;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clients", clients);
        m.put("sent", sent);
        m.put("2xx", ok);
        m.put("429", throttled);
        m.put("other_status", otherStatus);
        m.put("5xx", serverErrors);
        m.put("errors", errors);
        m.put("throughput_rps", Math.round(throughput * 10) / 10.0);
        Map<String, Object> lat = new LinkedHashMap<>();
        lat.put("p50", p50Micros / 1000.0);
        lat.put("p90", p90Micros / 1000.0);
        lat.put("p99", p99Micros / 1000.0);
        lat.put("max", maxMicros / 1000.0);
        lat.put("mean", Math.round(meanMicros) / 1000.0);
        m.put("latency_ms", lat);
        m.put("error_types", errorTypes);
        Map<String, Long> ra = new LinkedHashMap<>();
        retryAfter.forEach((k, v) -> ra.put(String.valueOf(k), v));
        m.put("retry_after_seconds", ra);
        return m;
    }
}
