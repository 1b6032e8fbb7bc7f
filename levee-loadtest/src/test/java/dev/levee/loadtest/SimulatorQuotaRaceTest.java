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

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;

import java.time.Duration;

import static dev.levee.loadtest.SimHttp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many concurrent clients against four server instances (four event loops touching the same fixtures) with time
 * frozen: the quota must admit exactly its limit per fixture, batches all-or-nothing, and nothing may deadlock.
 */
class SimulatorQuotaRaceTest {
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(8));
    }

    @AfterAll
    static void stop() {
        await(vertx.close());
    }

    private static UpstreamSimulator frozenSimulator() {
        return await(UpstreamSimulator.start(vertx, SimulatorOptions.builder().noLatency().instances(4)
                .quota(50, Duration.ofSeconds(60)).nanoClock(() -> 42L).build()));
    }

    @RepeatedTest(3)
    void exactlyTheLimitIsAdmittedPerFixture() {
        UpstreamSimulator sim = frozenSimulator();
        try {
            LoadReport r = await(LoadGenerator.run(vertx, LoadOptions.builder().url("http://127.0.0.1:" + sim.port())
                    .concurrency(300).requestCount(3_000).keys(KeyDistribution.uniform(5)).build()));
            SimulatorStats s = sim.stats();
            assertThat(r.total().errors()).isZero();
            assertThat(s.ok()).isEqualTo(250).isEqualTo(r.total().ok());
            assertThat(s.throttled()).isEqualTo(2_750).isEqualTo(r.total().throttled());
            for (long id = 1; id <= 5; id++) {
                SimulatorStats.FixtureStats f = s.fixture(id);
                assertThat(f.ok()).as("fixture %d", id).isEqualTo(50);
                assertThat(f.calls()).isEqualTo(f.ok() + f.throttled() + f.serverErrors());
            }
        } finally {
            await(sim.close());
        }
    }

    @RepeatedTest(3)
    void batchesAreAllOrNothingUnderContention() {
        UpstreamSimulator sim = frozenSimulator();
        try {
            // every batch names fixture 11 plus one of 1..10, in both orders: 11 admits exactly 50 batches in all
            LoadReport r = await(LoadGenerator.run(vertx, LoadOptions.builder().url("http://127.0.0.1:" + sim.port())
                    .path("/api/v3/fixtures/odds?fixture_id={fixture}&fixture_id=11&fixture_id={fixture}")
                    .concurrency(200).requestCount(2_000).keys(KeyDistribution.uniform(10)).build()));
            SimulatorStats s = sim.stats();
            assertThat(r.total().errors()).isZero();
            assertThat(r.total().ok()).isEqualTo(50).isEqualTo(s.ok());
            assertThat(s.fixture(11).ok()).isEqualTo(50);
            long othersOk = 0;
            for (long id = 1; id <= 10; id++) {
                othersOk += s.fixture(id).ok();
                assertThat(s.fixture(id).ok()).isLessThanOrEqualTo(50);
            }
            assertThat(othersOk).isEqualTo(50);
            assertThat(s.fixture(11).calls()).isEqualTo(2_000);
        } finally {
            await(sim.close());
        }
    }
}
