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

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.levee.loadtest.SimHttp.await;
import static dev.levee.loadtest.SimHttp.get;
import static dev.levee.loadtest.SimHttp.json;
import static dev.levee.loadtest.SimHttp.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The simulated feed's shapes, statistics, error rate and event sink, over real HTTP. */
class UpstreamSimulatorTest {
    private static final Instant BASE = Instant.parse("2026-06-01T12:00:00Z");
    private static Vertx vertx;
    private static UpstreamSimulator sim;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        sim = await(UpstreamSimulator.start(vertx, SimulatorOptions.builder()
                .noLatency().quota(0, Duration.ofSeconds(60)).baseTime(BASE).instances(2).build()));
    }

    @AfterAll
    static void stop() {
        await(sim.close());
        await(vertx.close());
    }

    @BeforeEach
    void reset() {
        sim.resetStats();
        sim.resetIngestStats();
    }

    @Test
    void fixturesListHasTheDocumentedShapeAndMajorEvents() {
        HttpResponse<String> r = get(sim, "/api/v3/fixtures");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode data = json(r).get("data");
        assertThat(data.size()).isEqualTo(200);
        List<String> majorLeagues = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            JsonNode f = data.get(i);
            assertThat(f.get("fixture_id").asLong()).isEqualTo(i + 1);
            assertThat(f.get("sport").asText()).isNotBlank();
            assertThat(f.get("league").asText()).isNotBlank();
            assertThat(f.get("home_team").asText()).isNotEqualTo(f.get("away_team").asText());
            Instant start = Instant.parse(f.get("start_time").asText());
            assertThat(start).isBetween(BASE.minus(Duration.ofHours(3)), BASE.plus(Duration.ofDays(7)));
            if (f.get("major_event").asBoolean()) {
                majorLeagues.add(f.get("league").asText());
                assertThat(start).isBetween(BASE, BASE.plus(Duration.ofHours(2)));
            }
        }
        assertThat(majorLeagues).hasSize(10).contains("Champions League", "Premier League");
    }

    @Test
    void fixturesAreDeterministicForASeed() {
        List<Fixture> a = FixtureCatalog.generate(50, 7, BASE);
        assertThat(FixtureCatalog.generate(50, 7, BASE)).isEqualTo(a);
        assertThat(FixtureCatalog.generate(50, 8, BASE)).isNotEqualTo(a);
        assertThat(sim.fixtures()).isEqualTo(FixtureCatalog.generate(200, 42, BASE));
    }

    @Test
    void oddsForOneFixtureUseTheDataArrayShape() {
        HttpResponse<String> r = get(sim, "/api/v3/fixtures/odds?fixture_id=7");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode data = json(r).get("data");
        assertThat(data.size()).isEqualTo(1);
        JsonNode odds = data.get(0);
        Fixture f = sim.fixtures().get(6);
        assertThat(odds.get("fixture_id").asLong()).isEqualTo(7);
        assertThat(odds.get("home_team").asText()).isEqualTo(f.homeTeam());
        assertThat(odds.get("version").asLong()).isPositive();
        JsonNode book = odds.get("bookmakers").get(0);
        JsonNode outcomes = book.get("markets").get(0).get("outcomes");
        assertThat(outcomes.size()).isBetween(2, 3);
        outcomes.forEach(o -> assertThat(o.get("price").asDouble()).isGreaterThan(1.0));
    }

    @Test
    void repeatedFixtureIdsAreBatchedAndSplittableByFixtureId() {
        HttpResponse<String> r = get(sim, "/api/v3/fixtures/odds?fixture_id=3&fixture_id=1&fixture_id=2&fixture_id=3");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode data = json(r).get("data");
        List<Long> ids = new ArrayList<>();
        data.forEach(d -> ids.add(d.get("fixture_id").asLong()));
        assertThat(ids).containsExactly(1L, 2L, 3L);
        SimulatorStats s = sim.stats();
        assertThat(s.requests()).isEqualTo(1);
        assertThat(s.oddsRequests()).isEqualTo(1);
        assertThat(s.fixture(1).calls()).isEqualTo(1);
        assertThat(s.fixture(3).calls()).isEqualTo(1);
        assertThat(s.fixtureCalls()).isEqualTo(3);
    }

    @Test
    void unknownOrBadFixturesAreJsonErrors() {
        HttpResponse<String> unknown = get(sim, "/api/v3/fixtures/odds?fixture_id=999");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("error").asText()).isEqualTo("Unknown fixture");
        assertThat(json(unknown).get("fixture_id").asLong()).isEqualTo(999);
        assertThat(get(sim, "/api/v3/fixtures/odds?fixture_id=1&fixture_id=0").statusCode()).isEqualTo(404);
        assertThat(get(sim, "/api/v3/fixtures/odds").statusCode()).isEqualTo(400);
        assertThat(get(sim, "/api/v3/fixtures/odds?fixture_id=abc").statusCode()).isEqualTo(400);
        assertThat(get(sim, "/api/v3/nothing").statusCode()).isEqualTo(404);
        SimulatorStats s = sim.stats();
        assertThat(s.requests()).isEqualTo(5);
        assertThat(s.clientErrors()).isEqualTo(5);
        assertThat(s.fixtures()).isEmpty();
    }

    @Test
    void statsEndpointReportsPerFixtureAndResets() {
        for (int i = 0; i < 3; i++) {
            get(sim, "/api/v3/fixtures/odds?fixture_id=5");
        }
        get(sim, "/api/v3/fixtures/odds?fixture_id=6");
        get(sim, "/api/v3/fixtures");
        JsonNode stats = json(get(sim, "/sim/stats"));
        assertThat(stats.at("/total/requests").asLong()).isEqualTo(5);
        assertThat(stats.at("/total/2xx").asLong()).isEqualTo(5);
        assertThat(stats.at("/total/fixtures_list_calls").asLong()).isEqualTo(1);
        assertThat(stats.at("/total/fixture_calls").asLong()).isEqualTo(4);
        assertThat(stats.at("/fixtures/5/calls").asLong()).isEqualTo(3);
        assertThat(stats.at("/fixtures/5/2xx").asLong()).isEqualTo(3);
        assertThat(stats.at("/fixtures/6/calls").asLong()).isEqualTo(1);
        assertThat(sim.stats().top(1).get(0).getKey()).isEqualTo(5L);
        assertThat(sim.stats().toSummary(2)).contains("upstream received 5 requests: 5 x 2xx, 0 x 429",
                "#5 3 calls (0 x 429), #6 1 calls (0 x 429)");

        assertThat(post(sim, "/sim/stats/reset", "").statusCode()).isEqualTo(200);
        assertThat(sim.stats().requests()).isZero();
        assertThat(sim.stats().fixtures()).isEmpty();
    }

    @Test
    void errorRateAnswersThatFractionWith500() {
        Vertx v = Vertx.vertx();
        try {
            UpstreamSimulator flaky = await(UpstreamSimulator.start(v, SimulatorOptions.builder()
                    .noLatency().errorRate(0.3).quota(0, Duration.ofSeconds(1)).build()));
            int fivehundreds = 0;
            for (int i = 0; i < 400; i++) {
                HttpResponse<String> r = get(flaky, "/api/v3/fixtures/odds?fixture_id=" + (1 + i % 50));
                if (r.statusCode() == 500) {
                    fivehundreds++;
                    assertThat(json(r).get("error").asText()).isEqualTo("Simulated upstream error");
                } else {
                    assertThat(r.statusCode()).isEqualTo(200);
                }
            }
            // 400 Bernoulli(0.3) draws: mean 120, sd ~9.2; +-5 sd
            assertThat(fivehundreds).isBetween(74, 166);
            SimulatorStats s = flaky.stats();
            assertThat(s.serverErrors()).isEqualTo(fivehundreds);
            assertThat(s.ok()).isEqualTo(400 - fivehundreds);
            assertThat(s.fixtures().values().stream().mapToLong(SimulatorStats.FixtureStats::serverErrors).sum())
                    .isEqualTo(fivehundreds);
            await(flaky.close());
        } finally {
            await(v.close());
        }
    }

    @Test
    void latencyDelaysAnswers() {
        Vertx v = Vertx.vertx();
        try {
            UpstreamSimulator slow = await(UpstreamSimulator.start(v, SimulatorOptions.builder()
                    .latency(Duration.ofMillis(150)).jitter(Duration.ZERO).build()));
            long t0 = System.nanoTime();
            assertThat(get(slow, "/api/v3/fixtures/odds?fixture_id=1").statusCode()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
            await(slow.close());
        } finally {
            await(v.close());
        }
    }

    @Test
    void ingestCountsEventsByTypeAndRejectsBadBodies() {
        assertThat(post(sim, "/ingest", "{\"type\":\"telemetry-data\",\"payload\":{}}").statusCode()).isEqualTo(200);
        HttpResponse<String> batch = post(sim, "/ingest",
                "[{\"type\":\"scheduled\"},{\"type\":\"telemetry-data\"},{\"payload\":1}]");
        assertThat(batch.statusCode()).isEqualTo(200);
        assertThat(json(batch).get("accepted").asInt()).isEqualTo(3);
        assertThat(post(sim, "/ingest", "not json").statusCode()).isEqualTo(400);
        assertThat(post(sim, "/ingest", "x".repeat(2 << 20)).statusCode()).isEqualTo(413);

        IngestStats s = sim.ingestStats();
        assertThat(s.requests()).isEqualTo(4);
        assertThat(s.events()).isEqualTo(4);
        assertThat(s.rejected()).isEqualTo(2);
        assertThat(s.byType()).containsEntry("telemetry-data", 2L).containsEntry("scheduled", 1L)
                .containsEntry("(none)", 1L);
        JsonNode viaHttp = json(get(sim, "/sim/ingest/stats"));
        assertThat(viaHttp.get("events").asLong()).isEqualTo(4);
        assertThat(post(sim, "/sim/ingest/stats/reset", "").statusCode()).isEqualTo(200);
        assertThat(sim.ingestStats().events()).isZero();
        // the feed statistics never include the sink
        assertThat(sim.stats().requests()).isZero();
    }

    @Test
    void ingestFailureRateAnswers500WithoutCountingEvents() {
        Vertx v = Vertx.vertx();
        try {
            UpstreamSimulator sink = await(UpstreamSimulator.start(v, SimulatorOptions.builder()
                    .noLatency().ingestFailureRate(1.0).ingestPort(0).build()));
            assertThat(sink.ingestPort()).isPositive().isNotEqualTo(sink.port());
            var r = SimHttp.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + sink.ingestPort() + "/ingest"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"type\":\"a\"}")).build());
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(sink.ingestStats().failed()).isEqualTo(1);
            assertThat(sink.ingestStats().events()).isZero();
            await(sink.close());
        } finally {
            await(v.close());
        }
    }

    @Test
    void optionsRejectBadValuesNamingThem() {
        assertThatThrownBy(() -> SimulatorOptions.builder().fixtures(0).build())
                .hasMessage("fixtures: 0 (expected: 1..1000000)");
        assertThatThrownBy(() -> SimulatorOptions.builder().errorRate(1.5).build())
                .hasMessage("errorRate: 1.5 (expected: 0..1)");
        assertThatThrownBy(() -> SimulatorOptions.builder().quota(-1, Duration.ofSeconds(1)).build())
                .hasMessageStartingWith("quotaLimit: -1");
        assertThatThrownBy(() -> SimulatorOptions.builder().latency(Duration.ofMillis(-1)).build())
                .hasMessageStartingWith("latency: PT-0.001S");
    }
}
