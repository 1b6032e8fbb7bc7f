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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of one {@link LoadGenerator} run: per class and in total. {@link #toTable()} prints it for people,
 * {@link #toJson()} for machines (same figures).
 *
 * @param startedAt wall-clock start
 * @param elapsed   from the first request to the last answer (or failure)
 * @param options   what was run
 * @param classes   one report per class that had clients, in priority order
 * @param total     all classes together
 */
public record LoadReport(Instant startedAt, Duration elapsed, LoadOptions options, Map<ClientClass, ClassReport> classes,
                         ClassReport total) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public LoadReport {
        requireNonNull(startedAt, "startedAt");
        requireNonNull(elapsed, "elapsed");
        requireNonNull(options, "options");
        classes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(classes));
        requireNonNull(total, "total");
    }

    /** The report of one class ({@code null} if the class had no clients). */
    public @Nullable ClassReport of(ClientClass c) {
        return classes.get(c);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("started_at", startedAt.toString());
        m.put("elapsed_seconds", elapsed.toMillis() / 1000.0);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("url", options.url().toString());
        o.put("method", options.method());
        o.put("path", options.path());
        o.put("concurrency", options.concurrency());
        o.put("duration_seconds", options.duration() == null ? null : options.duration().toMillis() / 1000.0);
        o.put("requests", options.requests() == 0 ? null : options.requests());
        o.put("mix", options.mix().toString());
        o.put("keys", options.keys().toString());
        o.put("timeout_seconds", options.timeout().toMillis() / 1000.0);
        o.put("signed_tokens", options.signsTokens());
        m.put("options", o);
        Map<String, Object> per = new LinkedHashMap<>();
        classes.forEach((c, r) -> per.put(c.wireName(), r.toMap()));
        m.put("classes", per);
        m.put("total", total.toMap());
        return m;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(toMap());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fixed-width table, one row per class and a total row, latencies in milliseconds. */
    public String toTable() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s %s%s  %d clients, %s, keys %s, mix %s%s%n", options.method(),
                options.url(), options.path(), options.concurrency(),
                options.duration() != null ? fmtDuration(options.duration())
                        + (options.requests() > 0 ? " or " + options.requests() + " requests" : "")
                        : options.requests() + " requests",
                options.keys(), options.mix(), options.signsTokens() ? "" : ", no tokens"));
        sb.append(String.format(Locale.ROOT, "elapsed %.2f s%n%n", elapsed.toMillis() / 1000.0));
        String head = "%-14s %7s %9s %9s %9s %7s %9s %8s %10s %9s %9s %9s %9s%n";
        sb.append(String.format(Locale.ROOT, head, "class", "clients", "sent", "2xx", "429", "4xx/3xx", "5xx",
                "errors", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms"));
        List<ClassReport> rows = new ArrayList<>(classes.values());
        rows.add(total);
        for (ClassReport r : rows) {
            sb.append(String.format(Locale.ROOT, "%-14s %7d %9d %9d %9d %7d %9d %8d %10.1f %9s %9s %9s %9s%n",
                    r.name(), r.clients(), r.sent(), r.ok(), r.throttled(), r.otherStatus(), r.serverErrors(),
                    r.errors(), r.throughput(), ms(r.p50Micros()), ms(r.p90Micros()), ms(r.p99Micros()),
                    ms(r.maxMicros())));
        }
        if (!total.errorTypes().isEmpty()) {
            sb.append("errors by cause: ").append(total.errorTypes()).append('\n');
        }
        for (ClassReport r : classes.values()) {
            if (!r.retryAfter().isEmpty()) {
                sb.append("Retry-After seen (").append(r.name()).append("): ").append(r.retryAfter()).append('\n');
            }
        }
        return sb.toString();
    }

    private static String ms(long micros) {
        return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
    }

    private static String fmtDuration(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
