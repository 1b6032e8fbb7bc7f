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
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.levee.loadtest.SimHttp.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load generator against the simulator, in one process: what the generator says it sent and got must agree
 * exactly with what the simulator says it received and answered.
 */
class LoadGeneratorAgreementTest {
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));
    }

    @AfterAll
    static void stop() {
        await(vertx.close());
    }

    private static String url(UpstreamSimulator sim) {
        return "http://127.0.0.1:" + sim.port();
    }

    @Test
    void countsAgreeWithTheSimulatorIncludingQuota429s() {
        // 20 fixtures x 50 calls per minute = exactly 1,000 calls can succeed (each fixture draws ~150, never < 50)
        UpstreamSimulator sim = await(UpstreamSimulator.start(vertx, SimulatorOptions.builder()
                .latency(Duration.ofMillis(2)).jitter(Duration.ofMillis(1))
                .quota(50, Duration.ofSeconds(60)).build()));
        try {
            LoadReport report = await(LoadGenerator.run(vertx, LoadOptions.builder()
                    .url(url(sim)).concurrency(200).requestCount(3_000)
                    .keys(KeyDistribution.uniform(20)).timeout(Duration.ofSeconds(20)).build()));
            SimulatorStats seen = sim.stats();
            ClassReport total = report.total();

            assertThat(total.sent()).isEqualTo(3_000);
            assertThat(total.errors()).isZero();
            assertThat(seen.requests()).isEqualTo(total.sent());
            assertThat(total.ok()).isEqualTo(seen.ok()).isEqualTo(1_000);
            assertThat(total.throttled()).isEqualTo(seen.throttled()).isEqualTo(2_000);
            assertThat(total.serverErrors()).isEqualTo(seen.serverErrors()).isZero();
            assertThat(seen.fixtures()).hasSize(20);
            seen.fixtures().values().forEach(f -> assertThat(f.ok()).isEqualTo(50));

            // per class: clients split 10/30/60, and the classes add up to the total
            assertThat(report.of(ClientClass.AGENT).clients()).isEqualTo(20);
            assertThat(report.of(ClientClass.ACTIVE_BETTOR).clients()).isEqualTo(60);
            assertThat(report.of(ClientClass.BROWSER).clients()).isEqualTo(120);
            long sent = report.classes().values().stream().mapToLong(ClassReport::sent).sum();
            long ok = report.classes().values().stream().mapToLong(ClassReport::ok).sum();
            assertThat(sent).isEqualTo(3_000);
            assertThat(ok).isEqualTo(1_000);
            // every 429 carried a Retry-After within the window
            long withRetryAfter = total.retryAfter().values().stream().mapToLong(Long::longValue).sum();
            assertThat(withRetryAfter).isEqualTo(2_000);
            assertThat(total.retryAfter().keySet()).allSatisfy(s -> assertThat(s).isBetween(1L, 60L));
            assertThat(total.p50Micros()).isPositive();
            assertThat(total.maxMicros()).isGreaterThanOrEqualTo(total.p99Micros());
        } finally {
            await(sim.close());
        }
    }

    @Test
    void serverErrorsAgreeWithTheSimulatorsErrorRate() {
        UpstreamSimulator sim = await(UpstreamSimulator.start(vertx, SimulatorOptions.builder()
                .noLatency().errorRate(0.2).quota(0, Duration.ofSeconds(1)).build()));
        try {
            LoadReport report = await(LoadGenerator.run(vertx, LoadOptions.builder()
                    .url(url(sim)).concurrency(50).requestCount(2_000).keys(KeyDistribution.zipf(1.1, 200)).build()));
            SimulatorStats seen = sim.stats();
            assertThat(report.total().sent()).isEqualTo(seen.requests()).isEqualTo(2_000);
            assertThat(report.total().serverErrors()).isEqualTo(seen.serverErrors()).isBetween(300L, 500L);
            assertThat(report.total().ok()).isEqualTo(seen.ok());
            // Zipf: fixture 1 is the most called
            assertThat(seen.top(1).get(0).getKey()).isEqualTo(1L);
        } finally {
            await(sim.close());
        }
    }

    @Test
    void postsEventBodiesToTheSink() {
        UpstreamSimulator sim = await(UpstreamSimulator.start(vertx, SimulatorOptions.builder().noLatency().build()));
        try {
            LoadReport report = await(LoadGenerator.run(vertx, Scenario.EVENTS.toBuilder(url(sim))
                    .path("/ingest").concurrency(20).requestCount(500).build()));
            assertThat(report.total().ok()).isEqualTo(500);
            IngestStats ingest = sim.ingestStats();
            assertThat(ingest.events()).isEqualTo(500);
            assertThat(ingest.byType()).containsEntry("telemetry-data", 500L);
            assertThat(sim.stats().requests()).isZero();
        } finally {
            await(sim.close());
        }
    }

    @Test
    void twoThousandFiveHundredConcurrentClientsEachHoldAConnection() {
        // 50 ms per answer keeps every client's request in flight at once, so each needs its own connection
        UpstreamSimulator sim = await(UpstreamSimulator.start(vertx, SimulatorOptions.builder()
                .latency(Duration.ofMillis(50)).jitter(Duration.ZERO).quota(0, Duration.ofSeconds(1)).build()));
        try {
            LoadReport report = await(LoadGenerator.run(vertx, LoadOptions.builder()
                    .url(url(sim)).concurrency(2_500).requestCount(10_000)
                    .keys(KeyDistribution.uniform(200)).timeout(Duration.ofSeconds(30)).build()));
            SimulatorStats seen = sim.stats();
            assertThat(report.total().errors()).as("errors: %s", report.total().errorTypes()).isZero();
            assertThat(report.total().ok()).isEqualTo(10_000).isEqualTo(seen.ok());
            // normally exactly 2,500; a starved event loop may start a client late enough that an idle pooled
            // connection of its group is reused instead of opening its own, so allow a little below
            assertThat(seen.peakConnections()).isBetween(2_000, 2_500);
            assertThat(report.total().clients()).isEqualTo(2_500);
        } finally {
            await(sim.close());
        }
    }
}
