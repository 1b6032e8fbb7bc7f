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

import dev.levee.gateway.GatewayFeature;
import dev.levee.gateway.GatewayServer;
import dev.levee.gateway.config.ConfigException;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.LeveeConfig;
import dev.levee.gateway.http.JsonResponses;
import dev.levee.gateway.ops.HealthReport;
import dev.levee.loadtest.ClientMix;
import dev.levee.loadtest.KeyDistribution;
import dev.levee.loadtest.LoadGenerator;
import dev.levee.loadtest.LoadOptions;
import dev.levee.loadtest.LoadReport;
import dev.levee.loadtest.SimulatorOptions;
import dev.levee.loadtest.UpstreamSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code levee demo}: the whole story in one process. An odds-feed simulator (with its own per-fixture quota),
 * the gateway in front of it with the demo config ({@code demo.yaml}), a short mixed load of agents, active
 * bettors and browsers, and a report of what each class got and what the upstream saw.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        // one element: the command list shows only the first line of a description
        description = "Start the upstream simulator and the gateway, run a short mixed load, print what each class"
                + " of client got and what the upstream saw, then keep serving until Ctrl-C.")
final class DemoCommand implements Callable<Integer> {
    static final String DEMO_SECRET = "levee-demo-hmac-secret-0123456789abcdef";

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "Gateway port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--upstream-port", defaultValue = "9000",
            description = "Simulator port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int upstreamPort;

    @Option(names = {"-c", "--clients"}, defaultValue = "2000",
            description = "Concurrent clients in the demo load (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = {"-d", "--duration"}, defaultValue = "20s", converter = UpstreamSimCommand.DurationConverter.class,
            description = "How long the demo load runs (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--exit", description = "Stop after the report instead of serving until Ctrl-C.")
    boolean exit;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Vertx vertx = NativeTransport.vertx("demo", new VertxOptions());
        UpstreamSimulator sim = UpstreamSimulator.start(vertx, SimulatorOptions.builder()
                .port(upstreamPort).quota(50, Duration.ofSeconds(60)).build()).await(30, TimeUnit.SECONDS);
        LeveeConfig config;
        try {
            config = ConfigLoader.load(demoYaml(sim), System.getenv());
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("levee demo: invalid config: " + e.getMessage());
            vertx.close();
            return 2;
        }
        GatewayServer gateway;
        try {
            gateway = GatewayServer.start(vertx, config).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            spec.commandLine().getErr().println("levee demo: cannot start the gateway on port " + port + ": "
                    + e.getMessage() + " (try --port)");
            sim.close();
            vertx.close();
            return 1;
        }
        String gatewayUrl = "http://127.0.0.1:" + gateway.port();
        String adminUrl = "http://127.0.0.1:" + gateway.adminPort(); // health, metrics, dashboard
        out.printf(Locale.ROOT,
                "Upstream simulator: http://127.0.0.1:%d (%d fixtures, quota 50 calls per fixture per 60 s)%n",
                sim.port(), sim.fixtures().size());
        out.printf(Locale.ROOT, "Levee gateway:      %s (admin: %s)%n", gatewayUrl, adminUrl);
        out.printf(Locale.ROOT,
                "%nRunning %d clients (10%% agents, 30%% active bettors, 60%% browsers) for %ds over a Zipf"
                + " spread of fixtures...%n", clients, duration.toSeconds());
        out.flush();

        LoadOptions load = LoadOptions.builder()
                .url(URI.create(gatewayUrl))
                .concurrency(clients)
                .duration(duration)
                .mix(ClientMix.parse("agent=10,active_bettor=30,browser=60"))
                .keys(KeyDistribution.parse("zipf:1.1:" + sim.fixtures().size()))
                .jwtSecret(DEMO_SECRET)
                .rampUp(Duration.ofSeconds(2))
                .build();
        LoadReport report = LoadGenerator.run(vertx, load).await(duration.toSeconds() + 60, TimeUnit.SECONDS);

        out.println();
        out.println("What each class of client got (through Levee):");
        out.println(report.toTable());
        out.println("What the upstream saw:");
        out.println(sim.stats().toSummary(5));
        out.println("What Levee did (GET " + adminUrl + "/health for the full picture):");
        for (GatewayFeature f : gateway.features()) {
            HealthReport h = f.health();
            String details = JsonResponses.MAPPER.writeValueAsString(h.details());
            out.printf(Locale.ROOT, "  %-10s %-8s %s%n", f.name(), h.status(),
                    details.length() > 400 ? details.substring(0, 400) + "..." : details);
        }
        out.flush();

        if (exit) {
            gateway.shutdown().eventually(sim::close).eventually(vertx::close).await(30, TimeUnit.SECONDS);
            return 0;
        }
        out.printf(Locale.ROOT, "%nStill serving: open %s/dashboard in a browser, or try"
                + " `curl '%s/api/v3/fixtures/odds?fixture_id=1'`, %s/health, %s/metrics. Ctrl-C stops.%n",
                adminUrl, gatewayUrl, adminUrl, adminUrl);
        out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                sim.close().await(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // exiting anyway
            }
        }));
        ServeCommand.awaitShutdown(vertx, gateway);
        return 0;
    }

    private String demoYaml(UpstreamSimulator sim) throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream("/demo.yaml")) {
            if (in == null) {
                throw new IllegalStateException("demo.yaml is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("${port}", Integer.toString(port))
                    .replace("${upstream}", "http://127.0.0.1:" + sim.port())
                    .replace("${sink}", "http://127.0.0.1:" + (sim.ingestPort() > 0 ? sim.ingestPort() : sim.port()) + "/ingest")
                    .replace("${secret}", DEMO_SECRET);
        }
    }
}
