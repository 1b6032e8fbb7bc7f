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

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code hot-spots:} settings shared by every route's {@code hot-spot} block, and cache warming for major events.
 *
 * @param maxKeys         keys with per-key window state, all hot-spot routes together (idle keys expire; when
 *                        every one is active, new keys are limited locally, each by its own calls counted in a
 *                        sketch that can only overestimate them)
 * @param alertThreshold  fraction of a route's limit at which a key alerts (logged once per crossing, counted)
 * @param metricsTopK     keys that get their own {@code key} label in {@code levee_hotspot_key_*}; the rest are
 *                        summed into {@code key="other"}
 * @param metricsRefresh  how often the per-key series are recomputed
 * @param sketchCounters  counters of the heavy-hitter sketch behind the top view, per route
 */
public record HotSpotsConfig(int maxKeys, double alertThreshold, int metricsTopK, Duration metricsRefresh,
                             int sketchCounters, Warming warming) {
    public HotSpotsConfig {
        Checks.positive("max-keys", maxKeys);
        Checks.fraction("alert-threshold", alertThreshold);
        Checks.inRange("metrics-top-k", metricsTopK, 1, 100);
        Checks.positive("metrics-refresh", metricsRefresh);
        Checks.inRange("sketch-counters", sketchCounters, 10, 100_000);
        Checks.required("warming", warming);
    }

    /**
     * {@code hot-spots.warming:} keeps the caches of major events warm from {@code warm-before} before their start
     * until {@code event-duration} after it.
     *
     * @param fixturesPath    upstream path of the fixture list, read every {@code poll-interval}:
     *                        {@code {"data":[{"fixture_id", "league", "home_team", "away_team", "start_time",
     *                        "major_event"}]}}
     * @param refreshInterval how often each warmed path is requested; 0 = the route's {@code cache.fresh} (a
     *                        request as the entry turns stale refreshes it before clients would miss)
     * @param paths           gateway paths to warm per event; {@code {fixture_id}} is replaced by the fixture id
     * @param maxEvents       events warmed at once at most (the soonest first)
     */
    public record Warming(boolean enabled, String fixturesPath, Duration pollInterval, Duration warmBefore,
                          Duration eventDuration, Duration refreshInterval, List<String> paths, int maxEvents,
                          Major major) {
        public Warming {
            Checks.required("fixtures-path", fixturesPath);
            if (!fixturesPath.startsWith("/")) {
                throw new ConfigException("fixtures-path: '" + fixturesPath + "' (expected: a path starting with /)");
            }
            Checks.positive("poll-interval", pollInterval);
            Checks.nonNegative("warm-before", warmBefore);
            Checks.positive("event-duration", eventDuration);
            Checks.nonNegative("refresh-interval", refreshInterval);
            paths = paths == null ? List.of() : List.copyOf(paths);
            for (String p : paths) {
                if (p == null || !p.startsWith("/")) {
                    throw new ConfigException("paths: '" + p + "' (expected: a path starting with /)");
                }
            }
            if (enabled && paths.isEmpty()) {
                throw new ConfigException("paths: [] (expected: at least one path to warm when enabled)");
            }
            Checks.inRange("max-events", maxEvents, 1, 10_000);
            Checks.required("major", major);
        }
    }

    /**
     * {@code hot-spots.warming.major:} what makes an event major: the upstream's {@code major_event} flag (when
     * {@code upstream-flag}), a league matching one of {@code leagues}, or an event name ({@code name}, else
     * "home_team vs away_team") in which one of {@code name-patterns} is found. Patterns are Java regexes,
     * matched case-insensitively.
     */
    public record Major(boolean upstreamFlag, List<String> leagues, List<String> namePatterns) {
        public Major {
            leagues = leagues == null ? List.of() : List.copyOf(leagues);
            namePatterns = namePatterns == null ? List.of() : List.copyOf(namePatterns);
            compile("leagues", leagues);
            compile("name-patterns", namePatterns);
        }

        public static List<Pattern> compile(String key, List<String> regexes) {
            return regexes.stream().map(r -> {
                try {
                    return Pattern.compile(r, Pattern.CASE_INSENSITIVE);
                } catch (PatternSyntaxException | NullPointerException e) {
                    throw new ConfigException(key + ": '" + r + "' (expected: a regular expression)");
                }
            }).toList();
        }
    }
}
