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
package dev.levee.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.loadtest.ClientMix;
import dev.levee.loadtest.KeyDistribution;
import dev.levee.loadtest.LoadOptions;
import dev.levee.loadtest.SimulatorOptions;
import dev.levee.loadtest.UpstreamSimulator;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code loadtest} and {@code upstream-sim} commands: help, option mapping, errors, and a real run. */
class LoadtoolCommandsTest {

    private record Run(int exit, String out, String err) {}

    private static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static <T> T parsed(T command, String... args) {
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void helpListsEveryOptionWithDefaults() {
        Run sim = run(new UpstreamSimCommand(), "--help");
        assertThat(sim.exit()).isZero();
        assertThat(sim.out()).contains("--port", "--fixtures", "--latency", "--jitter", "--error-rate", "--quota",
                "--quota-window", "--seed", "default: 9000", "default: 60s", "/sim/stats");
        Run lt = run(new LoadtestCommand(), "--help");
        assertThat(lt.exit()).isZero();
        assertThat(lt.out()).contains("--url", "--path", "--concurrency", "--duration", "--requests", "--mix",
                "--jwt-secret", "--keys", "--timeout", "--json", "--scenario", "admission-10k", "ulimit -n");
    }

    @Test
    void upstreamSimOptionsMapOntoTheSimulator() {
        SimulatorOptions o = parsed(new UpstreamSimCommand(), "--port", "9001", "--fixtures", "50", "--latency", "50ms",
                "--jitter", "20ms", "--error-rate", "0.01", "--quota", "10", "--quota-window", "30s", "--seed", "7")
                .options();
        assertThat(o.port()).isEqualTo(9001);
        assertThat(o.fixtures()).isEqualTo(50);
        assertThat(o.latency()).isEqualTo(Duration.ofMillis(50));
        assertThat(o.jitter()).isEqualTo(Duration.ofMillis(20));
        assertThat(o.errorRate()).isEqualTo(0.01);
        assertThat(o.quotaLimit()).isEqualTo(10);
        assertThat(o.quotaWindow()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.seed()).isEqualTo(7);
        SimulatorOptions defaults = parsed(new UpstreamSimCommand()).options();
        assertThat(defaults.port()).isEqualTo(9000);
        assertThat(defaults.quotaLimit()).isEqualTo(50);
        assertThat(defaults.quotaWindow()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void badValuesAreUsageErrorsNamingTheValue() {
        Run r = run(new UpstreamSimCommand(), "--error-rate", "2");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("errorRate: 2.0 (expected: 0..1)");
        Run l = run(new LoadtestCommand(), "--keys", "zipf:x");
        assertThat(l.exit()).isEqualTo(2);
        assertThat(l.err()).contains("keys: 'zipf:x'");
        Run d = run(new LoadtestCommand(), "--duration", "soon");
        assertThat(d.exit()).isEqualTo(2);
        assertThat(d.err()).contains("'soon' is not a duration");
    }

    @Test
    void loadtestOptionsComeFromTheScenarioThenExplicitOptions() {
        LoadOptions o = parsed(new LoadtestCommand(), "--scenario", "admission-10k", "--concurrency", "50",
                "--url", "http://10.0.0.1:8080", "--jwt-secret", "x".repeat(32)).options();
        assertThat(o.concurrency()).isEqualTo(50);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.rampUp()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.url().toString()).isEqualTo("http://10.0.0.1:8080");
        assertThat(o.signsTokens()).isTrue();

        LoadOptions counted = parsed(new LoadtestCommand(), "--requests", "500", "--mix", "agent=1,browser=1",
                "--keys", "uniform:20").options();
        assertThat(counted.duration()).isNull();
        assertThat(counted.requests()).isEqualTo(500);
        assertThat(counted.mix()).isEqualTo(ClientMix.parse("agent=50,browser=50"));
        assertThat(counted.keys()).isEqualTo(KeyDistribution.uniform(20));

        LoadOptions posting = parsed(new LoadtestCommand(), "--body", "{\"type\":\"t\"}", "--path", "/api/v1/events")
                .options();
        assertThat(posting.method()).isEqualTo("POST");
    }

    @Test
    void loadtestRunsAgainstTheSimulatorAndWritesJson(@TempDir Path dir) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            UpstreamSimulator sim = UpstreamSimulator.start(vertx, SimulatorOptions.builder().noLatency()
                    .quota(0, Duration.ofSeconds(1)).build()).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            Path json = dir.resolve("report.json");
            Run r = run(new LoadtestCommand(), "--url", "http://127.0.0.1:" + sim.port(), "--requests", "300",
                    "-c", "20", "--keys", "uniform:10", "--json", json.toString(), "--progress", "0s");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("total", "p99 ms");
            JsonNode report = new ObjectMapper().readTree(Files.readString(json));
            assertThat(report.at("/total/sent").asLong()).isEqualTo(300);
            assertThat(report.at("/total/2xx").asLong()).isEqualTo(300);
            assertThat(sim.stats().requests()).isEqualTo(300);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
