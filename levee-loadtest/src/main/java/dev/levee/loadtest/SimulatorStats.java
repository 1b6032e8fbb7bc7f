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
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * What the simulated feed received since start or the last reset: an immutable snapshot.
 *
 * <p>Totals count HTTP requests to the feed (everything but {@code /sim/*}, {@code /health} and {@code /ingest}), by
 * the status they were answered with. Per fixture, every odds request naming a known fixture counts one call for it
 * (a batch of three ids counts one call for each), by the status of that request, so for every fixture
 * {@code calls == ok + throttled + serverErrors}.
 *
 * @param requests        feed requests received
 * @param ok              answered 2xx
 * @param throttled       answered 429 (over the per-fixture quota)
 * @param clientErrors    answered 4xx other than 429 (unknown fixture, bad parameters, unknown path)
 * @param serverErrors    answered 5xx (the simulated error rate)
 * @param fixturesListCalls requests for the fixtures list
 * @param oddsRequests    odds requests (single or batched)
 * @param connections     client connections open now (all ports)
 * @param peakConnections most connections open at once since start or the last reset
 * @param fixtures        per fixture id, ascending, only fixtures that were called
 */
public record SimulatorStats(long requests, long ok, long throttled, long clientErrors, long serverErrors,
                             long fixturesListCalls, long oddsRequests, int connections, int peakConnections,
                             Map<Long, FixtureStats> fixtures) {

    /** Calls received for one fixture. */
    public record FixtureStats(long calls, long ok, long throttled, long serverErrors) {
        public static final FixtureStats NONE = new FixtureStats(0, 0, 0, 0);

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("calls", calls);
            m.put("2xx", ok);
            m.put("429", throttled);
            m.put("5xx", serverErrors);
            return m;
        }
    }

    public SimulatorStats {
        requireNonNull(fixtures, "fixtures");
        fixtures = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fixtures));
    }

    /** The calls for one fixture ({@link FixtureStats#NONE} if it was never called). */
    public FixtureStats fixture(long fixtureId) {
        return fixtures.getOrDefault(fixtureId, FixtureStats.NONE);
    }

    /** Sum of the per-fixture calls. */
    public long fixtureCalls() {
        return fixtures.values().stream().mapToLong(FixtureStats::calls).sum();
    }

    /** The most-called fixtures, most first, at most {@code n}. */
    public List<Map.Entry<Long, FixtureStats>> top(int n) {
        return fixtures.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue().calls(), a.getValue().calls()))
                .limit(n)
                .toList();
    }

    /**
     * A few lines for people: totals, how many fixtures were called, the busiest ones and the peak connections,
     * e.g. for a demo's "what the upstream saw".
     */
    public String toSummary(int topFixtures) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(java.util.Locale.ROOT,
                "upstream received %d requests: %d x 2xx, %d x 429 (over its quota), %d x 5xx, %d other 4xx%n",
                requests, ok, throttled, serverErrors, clientErrors));
        sb.append(String.format(java.util.Locale.ROOT,
                "  %d fixture calls over %d fixtures, peak %d connections%n", fixtureCalls(), fixtures.size(),
                peakConnections));
        List<Map.Entry<Long, FixtureStats>> top = top(topFixtures);
        if (!top.isEmpty()) {
            sb.append("  busiest fixtures:");
            for (Map.Entry<Long, FixtureStats> e : top) {
                sb.append(String.format(java.util.Locale.ROOT, " #%d %d calls (%d x 429)", e.getKey(),
                        e.getValue().calls(), e.getValue().throttled()));
                sb.append(e == top.get(top.size() - 1) ? "" : ",");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The JSON shape of {@code GET /sim/stats}. */
    public Map<String, Object> toMap() {
        Map<String, Object> total = new LinkedHashMap<>();
        total.put("requests", requests);
        total.put("2xx", ok);
        total.put("429", throttled);
        total.put("4xx_other", clientErrors);
        total.put("5xx", serverErrors);
        total.put("fixtures_list_calls", fixturesListCalls);
        total.put("odds_requests", oddsRequests);
        total.put("fixture_calls", fixtureCalls());
        total.put("fixtures_called", fixtures.size());
        total.put("connections", connections);
        total.put("peak_connections", peakConnections);
        Map<String, Object> per = new LinkedHashMap<>();
        fixtures.forEach((id, s) -> per.put(String.valueOf(id), s.toMap()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total", total);
        m.put("fixtures", per);
        return m;
    }
}
