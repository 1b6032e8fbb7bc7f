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
package dev.levee.gateway.hotspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.core.time.ManualTicker;
import dev.levee.gateway.testing.GatewayExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cache warming on a manual clock: the fixture list is read from the upstream, major events are picked by the
 * upstream flag, league and name rules, and each one's odds are requested through the gateway from warm-before
 * before its start until its end, every refresh interval, within the fixture's hot-spot window.
 */
class CacheWarmingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ODDS = "/api/v3/fixtures/odds";

    private final ManualTicker time = new ManualTicker();
    private final Instant t0 = Instant.ofEpochMilli(time.epochMillis());
    private final QuotaUpstream odds = new QuotaUpstream(time, 5, Duration.ofSeconds(10));
    private final AtomicInteger listReads = new AtomicInteger();

    private JsonObject fixture(String id, String league, String home, String away, Duration startsIn, boolean major) {
        return new JsonObject().put("fixture_id", id).put("league", league).put("home_team", home)
                .put("away_team", away).put("start_time", t0.plus(startsIn).toString()).put("major_event", major);
    }

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> {
                r.get(ODDS).handler(odds::handle);
                r.get("/api/v3/fixtures").handler(ctx -> {
                    listReads.incrementAndGet();
                    ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("data",
                            new JsonArray()
                                    .add(fixture("flagged", "Serie A", "Inter", "Milan", Duration.ofMinutes(20), true))
                                    .add(fixture("nfl", "NFL", "Chiefs", "Bills", Duration.ofMinutes(10), false))
                                    .add(fixture("bowl", "Other", "Super Bowl", "LX", Duration.ofMinutes(30), false))
                                    .add(fixture("plain", "Serie B", "Bari", "Pisa", Duration.ofMinutes(10), false))
                                    .add(fixture("over", "NFL", "Jets", "Giants", Duration.ofHours(-3), false)))
                            .encode());
                });
            })
            .config("""
                    routes:
                      - path: /api/v3/fixtures/odds
                        public: false
                        hot-spot: { key: "query:fixture_id", limit: 5, window: 10s, queue: 10, max-wait: 10s }
                    hot-spots:
                      warming:
                        enabled: true
                        fixtures-path: /api/v3/fixtures
                        poll-interval: 60s
                        warm-before: 15m
                        event-duration: 2h
                        refresh-interval: 5s
                        paths: ["/api/v3/fixtures/odds?fixture_id={fixture_id}"]
                        major: { upstream-flag: true, leagues: ["nfl"], name-patterns: ["super ?bowl"] }
                    """)
            .ticker(time)
            .scheduler(time)
            .features(List.of(HotSpotFeature::new))
            .build();

    private JsonNode warming() throws Exception {
        return JSON.readTree(gw.admin("/health/hot-spots").body()).get("warming");
    }

    /** Moves time a second at a time, letting each second's warming requests finish (as real time would). */
    private void advance(Duration d) {
        HotSpotFeature feature = gw.gateway().feature(HotSpotFeature.class);
        for (long s = 0; s < d.toSeconds(); s++) {
            time.advance(Duration.ofSeconds(1));
            // every warming request is answered, or waiting in the fixture's queue for time to move
            try {
                await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
                        .until(() -> feature.warmer().pending() == feature.limiter(ODDS).snapshot(0).queued());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("pending " + feature.warmer().pending() + ", "
                        + feature.limiter(ODDS).snapshot(3) + ", " + feature.warmer().report(), e);
            }
        }
    }

    /** What the warmer and the fixture's window say, for a failed assertion. */
    private String state() {
        HotSpotFeature feature = gw.gateway().feature(HotSpotFeature.class);
        return "at " + time.read() + " ns: " + feature.limiter(ODDS).snapshot(3) + ", " + feature.warmer().report();
    }

    @Test
    void warmsMajorEventsFromWarmBeforeUntilTheirEndWithinTheirWindow() throws Exception {
        gw.admin("/health/hot-spots");                       // the gateway learns its own port (port 0 in tests)
        time.advance(Duration.ZERO);                        // first read of the fixture list
        await().until(() -> warming().get("events").size() == 3);
        JsonNode w = warming();
        assertThat(w.get("last_poll").asText()).isEqualTo("ok");
        assertThat(w.get("events").findValuesAsText("fixture_id")).containsExactly("nfl", "flagged", "bowl");
        assertThat(w.get("events").findValuesAsText("major_because"))
                .containsExactly("league nfl", "upstream flag", "name super ?bowl");
        assertThat(w.get("events").findValuesAsText("state")).containsExactly("warming", "scheduled", "scheduled");
        assertThat(w.get("warming_now").asInt()).isEqualTo(1);

        advance(Duration.ofSeconds(60));                  // nfl starts in 10 min: warmed every 5 s from now on
        assertThat(odds.received("nfl")).as(this::state).hasSize(12);
        assertThat(odds.received("flagged")).isEmpty();  // starts in 20 min: warming from 5 min
        assertThat(odds.received("plain")).isEmpty();    // not major
        assertThat(odds.received("over")).isEmpty();     // ended

        advance(Duration.ofSeconds(239));
        assertThat(odds.received("flagged")).isEmpty();
        advance(Duration.ofSeconds(1));                   // 5 min from t0: 15 min before flagged starts
        assertThat(odds.received("flagged")).hasSize(1);
        advance(Duration.ofSeconds(60));
        assertThat(odds.received("bowl")).isEmpty();
        assertThat(warming().get("events").findValuesAsText("state")).containsExactly("warming", "warming",
                "scheduled");

        assertThat(warming().get("requests_ok").asLong()).isEqualTo(odds.total());
        assertThat(odds.received("nfl")).as(this::state).hasSize(72);     // every 5 s for 6 minutes
        assertThat(odds.received("flagged")).hasSize(13);
        assertThat(odds.rejected()).isZero();
        assertThat(odds.warmHeadersSeen()).as("the internal header never reaches the upstream").isEmpty();
        // warming spends the fixture's hot-spot budget like any caller
        assertThat(gw.gateway().feature(HotSpotFeature.class).limiter(ODDS).snapshot(10).granted())
                .isGreaterThanOrEqualTo(odds.total());
        String metrics = gw.admin("/metrics").body();
        assertThat(metrics).contains("levee_hotspot_warming_events 2.0");
        assertThat(metrics).contains("levee_hotspot_warming_requests_total{outcome=\"ok\"}");
        assertThat(listReads.get()).isGreaterThanOrEqualTo(6);
    }

    @Test
    void stopsWarmingAfterTheEventEnds() throws Exception {
        gw.admin("/health/hot-spots");
        time.advance(Duration.ZERO);
        await().until(() -> warming().get("events").size() == 3);
        advance(Duration.ofSeconds(30));
        assertThat(odds.received("nfl")).as(this::state).hasSize(6);
        time.advance(Duration.ofMinutes(10).plus(Duration.ofHours(2)));  // nfl is over
        await().until(() -> !warming().get("events").findValuesAsText("fixture_id").contains("nfl"));
        advance(Duration.ofSeconds(30));                 // requests sent during the jump drain from the queue
        int before = odds.received("nfl").size();
        advance(Duration.ofSeconds(60));
        assertThat(odds.received("nfl")).hasSize(before);
        assertThat(warming().get("events").findValuesAsText("fixture_id")).containsExactly("flagged", "bowl");
    }
}
