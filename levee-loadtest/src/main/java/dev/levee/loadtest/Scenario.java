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

import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Named load shapes other parts of the project (issues, docs, the demo) refer to by name. Each is only data: the
 * options it presets; the target URL, the token secret and anything given explicitly are still chosen by the caller.
 */
public enum Scenario {
    /** A quick check that a target answers: 100 clients, 10 s. */
    SMOKE("smoke", "100 mixed clients for 10 s over zipf:1.1:200",
            100, Duration.ofSeconds(10), 0, "GET", "/api/v3/fixtures/odds?fixture_id={fixture}", null,
            ClientMix.DEFAULT, KeyDistribution.zipf(1.1, 200), Duration.ZERO),
    /** The big-game spike: 10,000 mixed clients at once for 30 s (agents 10 %, active bettors 30 %, browsers 60 %). */
    ADMISSION_10K("admission-10k", "10,000 clients (10/30/60) for 30 s over zipf:1.1:200, started over 2 s",
            10_000, Duration.ofSeconds(30), 0, "GET", "/api/v3/fixtures/odds?fixture_id={fixture}", null,
            ClientMix.DEFAULT, KeyDistribution.zipf(1.1, 200), Duration.ofSeconds(2)),
    /** A few fixtures draw almost everything: 1,000 clients, Zipf s=1.5 over 200 fixtures, 30 s. */
    HOT_SPOT("hot-spot", "1,000 clients for 30 s over zipf:1.5:200 (a few fixtures take most calls)",
            1_000, Duration.ofSeconds(30), 0, "GET", "/api/v3/fixtures/odds?fixture_id={fixture}", null,
            ClientMix.DEFAULT, KeyDistribution.zipf(1.5, 200), Duration.ZERO),
    /** Telemetry flood into the event ingestion endpoint: 500 clients posting events for 30 s. */
    EVENTS("events", "500 clients POSTing telemetry events to /api/v1/events for 30 s",
            500, Duration.ofSeconds(30), 0, "POST", "/api/v1/events",
            "{\"type\":\"telemetry-data\",\"payload\":{\"fixture_id\":{fixture},\"client\":{client},\"seq\":{seq},\"ts\":{now}}}",
            ClientMix.DEFAULT, KeyDistribution.uniform(200), Duration.ZERO);

    private final String id;
    private final String description;
    private final int concurrency;
    private final Duration duration;
    private final long requests;
    private final String method;
    private final String path;
    private final @Nullable String body;
    private final ClientMix mix;
    private final KeyDistribution keys;
    private final Duration rampUp;

    Scenario(String id, String description, int concurrency, Duration duration, long requests, String method,
             String path, @Nullable String body, ClientMix mix, KeyDistribution keys, Duration rampUp) {
        this.id = id;
        this.description = description;
        this.concurrency = concurrency;
        this.duration = duration;
        this.requests = requests;
        this.method = method;
        this.path = path;
        this.body = body;
        this.mix = mix;
        this.keys = keys;
        this.rampUp = rampUp;
    }

    /** The name used on the command line, e.g. {@code admission-10k}. */
    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    /** A builder preset with this scenario's values, for {@code url}; set the JWT secret and overrides on it. */
    public LoadOptions.Builder toBuilder(String url) {
        return LoadOptions.builder().url(url).concurrency(concurrency).duration(duration).requests(requests)
                .method(method).path(path).body(body).mix(mix).keys(keys).rampUp(rampUp);
    }

    /** Finds a scenario by {@link #id()} (or enum name). */
    public static Scenario byName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Scenario s : values()) {
            if (s.id.equals(n) || s.name().equalsIgnoreCase(n.replace('-', '_'))) {
                return s;
            }
        }
        StringBuilder known = new StringBuilder();
        for (Scenario s : values()) {
            known.append(known.isEmpty() ? "" : ", ").append(s.id);
        }
        throw new IllegalArgumentException("scenario: '" + name + "' (expected one of: " + known + ")");
    }
}
