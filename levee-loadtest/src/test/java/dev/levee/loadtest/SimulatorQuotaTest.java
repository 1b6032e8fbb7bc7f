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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static dev.levee.loadtest.SimHttp.await;
import static dev.levee.loadtest.SimHttp.get;
import static dev.levee.loadtest.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The simulator's own per-fixture quota: an exact sliding window, driven by injected time. */
class SimulatorQuotaTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private Vertx vertx;
    private UpstreamSimulator sim;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        sim = await(UpstreamSimulator.start(vertx, SimulatorOptions.builder()
                .noLatency().quota(50, Duration.ofSeconds(60)).nanoClock(nanos::get).build()));
    }

    @AfterEach
    void stop() {
        await(sim.close());
        await(vertx.close());
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    private int odds(String ids) {
        return get(sim, "/api/v3/fixtures/odds?fixture_id=" + ids).statusCode();
    }

    @Test
    void overQuotaGets429WithTheRealTimeUntilASlotFrees() {
        for (int i = 0; i < 50; i++) {
            assertThat(odds("1")).as("call %d", i + 1).isEqualTo(200);
        }
        HttpResponse<String> over = get(sim, "/api/v3/fixtures/odds?fixture_id=1");
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(over.headers().firstValue("Retry-After")).hasValue("60");
        JsonNode body = json(over);
        assertThat(body.get("retry_after").asLong()).isEqualTo(60);
        assertThat(body.get("fixture_id").asLong()).isEqualTo(1);
        assertThat(body.get("limit").asInt()).isEqualTo(50);

        advance(Duration.ofMillis(59_500));
        HttpResponse<String> almost = get(sim, "/api/v3/fixtures/odds?fixture_id=1");
        assertThat(almost.statusCode()).isEqualTo(429);
        assertThat(almost.headers().firstValue("Retry-After")).hasValue("1"); // 0.5 s, rounded up

        // other fixtures have their own windows
        assertThat(odds("2")).isEqualTo(200);

        SimulatorStats s = sim.stats();
        assertThat(s.fixture(1)).isEqualTo(new SimulatorStats.FixtureStats(52, 50, 2, 0));
        assertThat(s.throttled()).isEqualTo(2);
    }

    @Test
    void theWindowSlidesExactly() {
        for (int i = 0; i < 10; i++) {
            assertThat(odds("3")).isEqualTo(200);           // t = 0 s: 10 calls
        }
        advance(Duration.ofSeconds(30));
        for (int i = 0; i < 40; i++) {
            assertThat(odds("3")).isEqualTo(200);           // t = 30 s: 40 calls, the window is full
        }
        advance(Duration.ofSeconds(30).minusNanos(1));      // t = 60 s - 1 ns: the first 10 still count
        HttpResponse<String> r = get(sim, "/api/v3/fixtures/odds?fixture_id=3");
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");

        advance(Duration.ofNanos(1));                       // t = 60 s: exactly the 10 from t = 0 have left
        for (int i = 0; i < 10; i++) {
            assertThat(odds("3")).isEqualTo(200);
        }
        HttpResponse<String> next = get(sim, "/api/v3/fixtures/odds?fixture_id=3");
        assertThat(next.statusCode()).isEqualTo(429);
        assertThat(next.headers().firstValue("Retry-After")).hasValue("30"); // the t = 30 s calls leave at 90 s

        advance(Duration.ofSeconds(30));                    // t = 90 s
        for (int i = 0; i < 40; i++) {
            assertThat(odds("3")).isEqualTo(200);
        }
        assertThat(odds("3")).isEqualTo(429);
        assertThat(sim.stats().fixture(3).ok()).isEqualTo(100);
    }

    @Test
    void aBatchIsAdmittedWholeOrNotAtAllAndThrottledCallsCostNothing() {
        for (int i = 0; i < 50; i++) {
            assertThat(odds("4")).isEqualTo(200);
        }
        advance(Duration.ofSeconds(20));
        HttpResponse<String> batch = get(sim, "/api/v3/fixtures/odds?fixture_id=5&fixture_id=4");
        assertThat(batch.statusCode()).isEqualTo(429);
        assertThat(batch.headers().firstValue("Retry-After")).hasValue("40");
        // fixture 5 was refused with the batch, so it still has its whole quota
        for (int i = 0; i < 50; i++) {
            assertThat(odds("5")).isEqualTo(200);
        }
        assertThat(odds("5")).isEqualTo(429);
        // 429s on fixture 4 did not consume its window: at t = 60 s it is empty again
        for (int i = 0; i < 5; i++) {
            assertThat(odds("4")).isEqualTo(429);
        }
        advance(Duration.ofSeconds(40));
        for (int i = 0; i < 50; i++) {
            assertThat(odds("4")).isEqualTo(200);
        }
    }

    @Test
    void resetWithQuotaEmptiesTheWindows() {
        for (int i = 0; i < 50; i++) {
            odds("6");
        }
        assertThat(odds("6")).isEqualTo(429);
        SimHttp.post(sim, "/sim/stats/reset?quota=true", "");
        assertThat(odds("6")).isEqualTo(200);
        assertThat(sim.stats().fixture(6).calls()).isEqualTo(1);
    }

    @Test
    void slidingWindowQuotaUnit() {
        SlidingWindowQuota q = new SlidingWindowQuota(3, 100);
        q.acquire(0);
        q.acquire(10);
        q.acquire(20);
        assertThat(q.waitNanos(20)).isEqualTo(80);
        assertThat(q.waitNanos(99)).isEqualTo(1);
        assertThat(q.waitNanos(100)).isZero();
        q.acquire(100);
        assertThat(q.waitNanos(100)).isEqualTo(10);
        assertThat(q.waitNanos(110)).isZero();
    }
}
