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
 * What the simulator's event sink ({@code POST /ingest}) received: an immutable snapshot.
 *
 * @param requests    ingest requests received
 * @param events      events accepted (an array body counts each element)
 * @param failed      requests answered 500 by the simulated failure rate (their events are not in {@code events})
 * @param rejected    requests refused as malformed (400) or too large (413)
 * @param byType      accepted events per {@code type} field; at most {@link UpstreamSimulator#MAX_EVENT_TYPES}
 *                    names, the rest under {@code "other"}
 */
public record IngestStats(long requests, long events, long failed, long rejected, Map<String, Long> byType) {
    public IngestStats {
        requireNonNull(byType, "byType");
        byType = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byType));
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requests", requests);
        m.put("events", events);
        m.put("failed", failed);
        m.put("rejected", rejected);
        m.put("by_type", byType);
        return m;
    }
}
