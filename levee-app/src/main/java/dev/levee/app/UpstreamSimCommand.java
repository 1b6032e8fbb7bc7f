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

import dev.levee.core.time.Durations;
import dev.levee.loadtest.SimulatorOptions;
import dev.levee.loadtest.UpstreamSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code levee upstream-sim}: runs the simulated odds feed until Ctrl-C. */
@Command(name = "upstream-sim",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
                "Runs a simulated paid odds feed (the upstream Levee protects) until Ctrl-C.",
                "It lists fixtures, serves odds per fixture (one or many per request), answers with the configured"
                        + " latency and error rate, and enforces its own quota per fixture: a client that exceeds it"
                        + " gets 429 with Retry-After, so a run can prove that Levee never does.",
                ""},
        footer = {
                "",
                "Endpoints:",
                "  GET  /api/v3/fixtures                          fixtures: id, sport, league, teams, start_time, major_event",
                "  GET  /api/v3/fixtures/odds?fixture_id=N        odds of one fixture: {\"data\":[{...}]}",
                "  GET  /api/v3/fixtures/odds?fixture_id=1&fixture_id=2   several at once (each counts against its quota)",
                "  GET  /sim/stats                                calls received, in total and per fixture",
                "  POST /sim/stats/reset[?quota=true]             zero the counts (and the quota windows)",
                "  POST /ingest                                   event sink: one JSON event or an array",
                "  GET  /sim/ingest/stats   POST /sim/ingest/stats/reset",
                "",
                "Example: levee upstream-sim --port 9000 --latency 50ms --jitter 20ms --error-rate 0.01 --quota 50"})
public final class UpstreamSimCommand implements Callable<Integer> {

    /** Picocli sets the options on this instance before it calls {@link #call()}. */
    public UpstreamSimCommand() {
    }

    /** Reads {@code 250ms}, {@code 5s}, {@code 1m}, ISO-8601 too. */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        /** Picocli creates one per option that names it. */
        public DurationConverter() {
        }

        @Override
        public Duration convert(String value) {
            return Durations.parse(value);
        }
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST", description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = {"-p", "--port"}, defaultValue = "9000", paramLabel = "PORT", description = "Port of the feed (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--ingest-port", defaultValue = "-1", paramLabel = "PORT",
            description = "Also serve on this port, e.g. 9100 for the event sink's default URL (default: none).")
    int ingestPort;

    @Option(names = "--fixtures", defaultValue = "200", paramLabel = "N", description = "Fixtures listed, ids 1..N (default: ${DEFAULT-VALUE}).")
    int fixtures;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Seed for fixtures, odds, errors and jitter (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--latency", defaultValue = "20ms", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Base delay of every feed answer (default: ${DEFAULT-VALUE}).")
    Duration latency;

    @Option(names = "--jitter", defaultValue = "10ms", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Each answer takes latency +- jitter, uniformly (default: ${DEFAULT-VALUE}).")
    Duration jitter;

    @Option(names = "--error-rate", defaultValue = "0", paramLabel = "FRACTION",
            description = "Fraction of odds calls answered 500; they still count against the quota (default: ${DEFAULT-VALUE}).")
    double errorRate;

    @Option(names = "--quota", defaultValue = "50", paramLabel = "N",
            description = "Odds calls allowed per fixture per window; 0 = no quota (default: ${DEFAULT-VALUE}).")
    int quota;

    @Option(names = "--quota-window", defaultValue = "60s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "The quota's exact sliding window (default: ${DEFAULT-VALUE}).")
    Duration quotaWindow;

    @Option(names = "--ingest-latency", defaultValue = "0ms", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Delay of every /ingest answer (default: ${DEFAULT-VALUE}).")
    Duration ingestLatency;

    @Option(names = "--ingest-failure-rate", defaultValue = "0", paramLabel = "FRACTION",
            description = "Fraction of /ingest requests answered 500 (default: ${DEFAULT-VALUE}).")
    double ingestFailureRate;

    @Option(names = "--instances", paramLabel = "N",
            description = "Server instances (event loops) sharing the port (default: cores, at most 4).")
    Integer instances;

    /** Options as the simulator takes them; a bad value becomes a usage error naming it. */
    SimulatorOptions options() {
        try {
            SimulatorOptions.Builder b = SimulatorOptions.builder()
                    .host(host).port(port).ingestPort(ingestPort).fixtures(fixtures).seed(seed)
                    .latency(latency).jitter(jitter).errorRate(errorRate).quota(quota, quotaWindow)
                    .ingestLatency(ingestLatency).ingestFailureRate(ingestFailureRate);
            if (instances != null) {
                b.instances(instances);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    @Override
    public Integer call() throws Exception {
        SimulatorOptions options = options();
        PrintWriter out = spec.commandLine().getOut();
        Vertx vertx = NativeTransport.vertx("upstream simulator", new VertxOptions());
        UpstreamSimulator sim;
        try {
            sim = UpstreamSimulator.start(vertx, options).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            spec.commandLine().getErr().println("upstream-sim: cannot listen on " + host + ":" + port + ": " + cause.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                sim.close().compose(v -> vertx.close()).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // exiting anyway
            } finally {
                stopped.countDown();
            }
        }, "upstream-sim-shutdown"));
        String base = "http://" + host + ":" + sim.port();
        out.printf(Locale.ROOT, "Upstream simulator listening on %s%s%n", base,
                sim.ingestPort() > 0 ? " and http://" + host + ":" + sim.ingestPort() : "");
        out.printf(Locale.ROOT, "  %d fixtures (%d major events), latency %s +- %s, error rate %s, quota %s%n",
                options.fixtures(), sim.fixtures().stream().filter(f -> f.majorEvent()).count(),
                Durations.format(latency), Durations.format(jitter), errorRate,
                quota == 0 ? "off" : quota + " calls per fixture per " + Durations.format(quotaWindow));
        out.printf(Locale.ROOT, "  try: curl '%s/api/v3/fixtures/odds?fixture_id=1'   stats: curl %s/sim/stats%n",
                base, base);
        out.println("Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return 0;
    }

    /**
     * Runs this command on its own, without the {@code levee} root command.
     *
     * @param args the command's options
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new UpstreamSimCommand()).execute(args));
    }
}
