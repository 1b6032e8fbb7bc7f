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
package dev.levee.gateway.config;

import java.util.List;
import java.util.Locale;

/**
 * {@code access-log}: one JSON line per request on the public listener.
 *
 * @param enabled       false: no lines (request ids are still taken and generated)
 * @param target        {@code stdout}, or {@code file} (at {@code path}, rotated by size)
 * @param path          the file of {@code target: file}; rotated copies are {@code path.1} (newest) .. {@code path.N}
 * @param maxFileSize   a file past this is rotated
 * @param maxHistory    rotated files kept
 * @param fields        the fields written, in this order; empty: all of {@link #FIELDS}
 * @param sampleRate    fraction of the requests answered below 400 that get a line; 400 and above always do
 * @param includeQuery  writes the query string, with the values of secret-looking parameters redacted
 * @param queueCapacity lines waiting for the writer thread; past it lines are dropped (counted), never waited for
 */
public record AccessLogConfig(boolean enabled, String target, String path, ByteSize maxFileSize, int maxHistory,
                              List<String> fields, double sampleRate, boolean includeQuery, int queueCapacity) {

    /** Every field an access line can have, in their default order. */
    public static final List<String> FIELDS = List.of("time", "request_id", "method", "path", "query", "route",
            "client_class", "verified", "status", "bytes", "duration_ms", "admission_wait_ms", "cache",
            "hot_spot_key", "hot_spot_decision", "upstream", "upstream_ms", "reject_reason", "trace_id");

    public AccessLogConfig {
        Checks.required("target", target);
        target = target.toLowerCase(Locale.ROOT);
        if (!target.equals("stdout") && !target.equals("file")) {
            throw new ConfigException("target: '" + target + "' (expected: stdout or file)");
        }
        if (target.equals("file") && (path == null || path.isBlank())) {
            throw new ConfigException("path: empty (expected: the access log file, with target: file)");
        }
        Checks.positive("max-file-size", Checks.required("max-file-size", maxFileSize).bytes());
        Checks.positive("max-history", maxHistory);
        fields = fields == null || fields.isEmpty() ? FIELDS : List.copyOf(fields);
        for (String f : fields) {
            if (!FIELDS.contains(f)) {
                throw new ConfigException("fields: '" + f + "' is not an access-log field (known: " + FIELDS + ")");
            }
        }
        Checks.fraction("sample-rate", sampleRate);
        Checks.positive("queue-capacity", queueCapacity);
    }

    /** True when {@code target: file}. */
    public boolean toFile() {
        return target.equals("file");
    }
}
