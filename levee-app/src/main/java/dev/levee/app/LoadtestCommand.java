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

import dev.levee.core.internal.SuppressForbidden;
import dev.levee.loadtest.ClientMix;
import dev.levee.loadtest.KeyDistribution;
import dev.levee.loadtest.LoadGenerator;
import dev.levee.loadtest.LoadOptions;
import dev.levee.loadtest.LoadReport;
import dev.levee.loadtest.Scenario;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code levee loadtest}: holds N concurrent clients against a URL and prints what each class of client got. */
@Command(name = "loadtest",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
                "Holds N concurrent HTTP clients against a target (Levee or the simulator) for a duration or a"
                        + " request count, then prints per client class: sent, 2xx, 429, 5xx, other errors,"
                        + " throughput and latency p50/p90/p99/max.",
                "Each client sends a request, waits for the whole answer (or --timeout), and sends the next."
                        + " Agents and active bettors carry HS256 JWTs (role: \"agent\"; recent_bet_count: 3),"
                        + " browsers none. 10,000 clients need `ulimit -n` of about 10,500 (20,500 if the target"
                        + " runs in the same process).",
                ""},
        footer = {
                "",
                "Templates (--path, --body) may use {fixture} (the drawn key), {client}, {class}, {seq} and {now}.",
                "",
                "Scenarios (--scenario NAME; explicit options override them):",
                "  smoke          100 mixed clients for 10 s over zipf:1.1:200",
                "  admission-10k  10,000 clients (10/30/60) for 30 s over zipf:1.1:200, started over 2 s",
                "  hot-spot       1,000 clients for 30 s over zipf:1.5:200",
                "  events         500 clients POSTing telemetry events to /api/v1/events for 30 s",
                "",
                "Examples:",
                "  levee loadtest --url http://127.0.0.1:8080 --concurrency 1000 --duration 30s --jwt-secret \"$SECRET\"",
                "  levee loadtest --url http://127.0.0.1:9000 --requests 100000 --keys uniform:200 --json report.json",
                "  levee loadtest --scenario admission-10k --jwt-secret \"$SECRET\""})
public final class LoadtestCommand implements Callable<Integer> {

    /** Picocli sets the options on this instance before it calls {@link #call()}. */
    public LoadtestCommand() {
    }

    @Spec
    CommandSpec spec;

    @Option(names = {"-u", "--url"}, defaultValue = "http://127.0.0.1:8080", paramLabel = "URL",
            description = "Target base URL (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--path", paramLabel = "TEMPLATE",
            description = "Path and query template (default: /api/v3/fixtures/odds?fixture_id={fixture}).")
    String path;

    @Option(names = {"-X", "--method"}, paramLabel = "METHOD", description = "HTTP method (default: GET; POST with --body).")
    String method;

    @Option(names = "--body", paramLabel = "TEMPLATE", description = "JSON body template sent with every request.")
    String body;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "N", description = "Concurrent clients (default: 1000).")
    Integer concurrency;

    @Option(names = {"-d", "--duration"}, converter = UpstreamSimCommand.DurationConverter.class, paramLabel = "DURATION",
            description = "Run for this long, e.g. 30s (default: 30s unless --requests is given).")
    Duration duration;

    @Option(names = {"-n", "--requests"}, paramLabel = "N",
            description = "Stop after N requests in total (with --duration: whichever comes first).")
    Long requests;

    @Option(names = "--mix", paramLabel = "CLASS=WEIGHT,...",
            description = "Client classes (default: agent=10,active_bettor=30,browser=60).")
    String mix;

    @Option(names = "--jwt-secret", defaultValue = "${env:LEVEE_AUTH_JWT_HMAC_SECRET}", paramLabel = "SECRET",
            description = "HS256 secret (>= 32 bytes) for the agents' and active bettors' tokens (default: $LEVEE_AUTH_JWT_HMAC_SECRET; none = no tokens are sent).")
    String jwtSecret;

    @Option(names = "--jwt-issuer", paramLabel = "ISS", description = "iss claim of the tokens.")
    String jwtIssuer;

    @Option(names = {"-k", "--keys"}, paramLabel = "uniform:K|zipf:S:K",
            description = "How each request's {fixture} is drawn from 1..K (default: zipf:1.1:200).")
    String keys;

    @Option(names = "--timeout", converter = UpstreamSimCommand.DurationConverter.class, paramLabel = "DURATION",
            description = "Per-request timeout, connect included (default: 30s).")
    Duration timeout;

    @Option(names = "--ramp-up", converter = UpstreamSimCommand.DurationConverter.class, paramLabel = "DURATION",
            description = "Start the clients evenly over this period (default: 0 = all at once).")
    Duration rampUp;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the key draws (default: 1).")
    Long seed;

    @Option(names = "--honour-retry-after",
            description = "After a 429 or 503 with Retry-After: N, a client waits N seconds before its next request"
                    + " (as a well-behaved app does). Default: it asks again at once.")
    boolean honourRetryAfter;

    @Option(names = "--scenario", paramLabel = "NAME", description = "Start from a named scenario (see below).")
    String scenario;

    @Option(names = "--json", paramLabel = "FILE",
            description = "Also write the report as JSON to FILE; '-' prints JSON on stdout (the table goes to stderr).")
    String json;

    @Option(names = "--progress", defaultValue = "5s", converter = UpstreamSimCommand.DurationConverter.class,
            paramLabel = "DURATION", description = "Print progress to stderr this often; 0s = never (default: ${DEFAULT-VALUE}).")
    Duration progress;

    /** The options of the run: the scenario's (or the defaults), overridden by what was given explicitly. */
    LoadOptions options() {
        try {
            LoadOptions.Builder b = scenario != null ? Scenario.byName(scenario).toBuilder(url) : LoadOptions.builder().url(url);
            if (path != null) {
                b.path(path);
            }
            if (body != null) {
                b.body(body).method("POST");
            }
            if (method != null) {
                b.method(method);
            }
            if (concurrency != null) {
                b.concurrency(concurrency);
            }
            if (requests != null && duration == null) {
                b.requestCount(requests);
            } else {
                if (duration != null) {
                    b.duration(duration);
                }
                if (requests != null) {
                    b.requests(requests);
                }
            }
            if (mix != null) {
                b.mix(ClientMix.parse(mix));
            }
            if (jwtSecret != null && !jwtSecret.isBlank()) {
                b.jwtSecret(jwtSecret);
            }
            if (jwtIssuer != null) {
                b.jwtIssuer(jwtIssuer);
            }
            if (keys != null) {
                b.keys(KeyDistribution.parse(keys));
            }
            if (timeout != null) {
                b.timeout(timeout);
            }
            if (rampUp != null) {
                b.rampUp(rampUp);
            }
            if (seed != null) {
                b.seed(seed);
            }
            if (honourRetryAfter) {
                b.honourRetryAfter(true);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    @Override
    public Integer call() throws Exception {
        LoadOptions options = options();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean jsonToStdout = "-".equals(json);
        PrintWriter tableOut = jsonToStdout ? err : out;

        long fdLimit = maxFileDescriptors();
        if (fdLimit > 0 && fdLimit < options.concurrency() + 256L) {
            err.printf(Locale.ROOT, "warning: ulimit -n is %d, too low for %d clients (needs about %d); raise it with "
                    + "`ulimit -n %d` or expect connection errors%n", fdLimit, options.concurrency(),
                    options.concurrency() + 256, options.concurrency() + 1024);
        }
        if (!options.signsTokens() && options.mix().fraction(dev.levee.loadtest.ClientClass.BROWSER) < 1) {
            err.println("note: no --jwt-secret (or LEVEE_AUTH_JWT_HMAC_SECRET): agents and active bettors send no "
                    + "token, so a gateway classifies every client as browser");
        }
        err.printf(Locale.ROOT, "loadtest: %d clients -> %s%s for %s%n", options.concurrency(), options.url(),
                options.path(),
                options.duration() != null ? options.duration().toSeconds() + " s" : options.requests() + " requests");
        err.flush();

        Vertx vertx = NativeTransport.vertx("load generator", new VertxOptions());
        try {
            LoadGenerator generator = new LoadGenerator(vertx, options);
            long progressMs = progress == null ? 0 : progress.toMillis();
            long[] last = {0, 0}; // requests done, generator.elapsed() in ns
            long timer = progressMs <= 0 ? -1 : vertx.setPeriodic(progressMs, t -> {
                long done = generator.finished();
                long now = generator.elapsed().toNanos();
                double rate = (done - last[0]) / ((now - last[1]) / 1e9);
                last[0] = done;
                last[1] = now;
                err.printf(Locale.ROOT, "  [%5.1f s] %,d requests done, %,.0f req/s%n",
                        generator.elapsed().toMillis() / 1000.0, done, rate);
                err.flush();
            });
            LoadReport report = generator.start().toCompletionStage().toCompletableFuture().get();
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            tableOut.println();
            tableOut.print(report.toTable());
            tableOut.flush();
            if (jsonToStdout) {
                out.println(report.toJson());
                out.flush();
            } else if (json != null) {
                Files.writeString(Path.of(json), report.toJson() + "\n", StandardCharsets.UTF_8);
                err.println("report written to " + json);
                err.flush();
            }
            return 0;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** The process's file-descriptor limit ({@code ulimit -n}), or -1 where the JVM cannot tell. */
    @SuppressForbidden("com.sun.management is the JDK's supported jdk.management API; other JVMs get -1")
    static long maxFileDescriptors() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }

    /**
     * Runs this command on its own, without the {@code levee} root command.
     *
     * @param args the command's options
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadtestCommand()).execute(args));
    }
}
