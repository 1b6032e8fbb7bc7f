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
package dev.levee.gateway.testing;

import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;
import dev.levee.gateway.Features;
import dev.levee.gateway.GatewayContext;
import dev.levee.gateway.chain.Filter;
import dev.levee.gateway.GatewayFeature;
import dev.levee.gateway.GatewayServer;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.LeveeConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Starts a real gateway on a free port in front of a tiny local upstream (a Vert.x router the test defines), or
 * several ({@link Builder#instances}) with the same config in front of the same upstream, each on a Vert.x of its
 * own as in separate processes (on one Vert.x, servers on port 0 share one port). Registered as a static field it
 * lives for the class; as an instance field, for each test.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final GatewayExtension gw = GatewayExtension.builder()
 *         .upstream(r -> r.get("/hello").handler(ctx -> ctx.end("hi")))
 *         .config("admission: { max-concurrent: 10 }")
 *         .build();
 * }</pre>
 * The config is YAML over the defaults; the upstream URL, host 127.0.0.1 and free ports (public and admin) are
 * filled in.
 */
public final class GatewayExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    private final Consumer<Router> upstreamRoutes;
    private final String yaml;
    private final Map<String, String> env;
    private final Ticker ticker;
    private final Function<Vertx, Scheduler> scheduler;
    private final List<Function<GatewayContext, GatewayFeature>> features;
    private final List<Filter> filters;
    private final int instances;

    private boolean perClass;
    private Vertx vertx; // instance 0's, which also serves the upstream
    private HttpServer upstreamServer;
    private final List<Vertx> vertxes = new java.util.ArrayList<>();
    private final List<GatewayServer> gateways = new java.util.ArrayList<>();
    private final List<java.nio.file.Path> journalDirs = new java.util.ArrayList<>();
    // HTTP/1.1, one connection per concurrent request, as the tests that fire hundreds at once expect: the JDK
    // client's default (h2c upgrade) multiplexes them onto one connection and fails the ones past the server's
    // max-concurrent-streams with "too many concurrent streams". HTTP/2 has its own tests with their own clients.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayExtension(Builder b) {
        this.upstreamRoutes = b.upstreamRoutes;
        this.yaml = b.yaml;
        this.env = b.env;
        this.ticker = b.ticker;
        this.scheduler = b.scheduler;
        this.features = b.features;
        this.filters = b.filters;
        this.instances = b.instances;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        perClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (!perClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (!perClass) {
            stop();
        }
    }

    private void start() throws Exception {
        vertx = Vertx.vertx();
        Router upstreamRouter = Router.router(vertx);
        upstreamRoutes.accept(upstreamRouter);
        upstreamServer = vertx.createHttpServer().requestHandler(upstreamRouter).listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
        for (int i = 0; i < instances; i++) {
            Vertx v = i == 0 ? vertx : Vertx.vertx();
            if (i > 0) {
                vertxes.add(v);
            }
            LeveeConfig config = ConfigLoader.load(yaml.replace("${upstream}", upstreamUrl()), testEnv());
            gateways.add(GatewayServer.start(v, config, ticker,
                            scheduler == null ? GatewayServer.scheduler(v) : scheduler.apply(v), features, filters)
                    .await(10, TimeUnit.SECONDS));
        }
    }

    /**
     * The test's environment plus what keeps tests independent and quick: free ports on the loopback (a test that
     * overrides {@code server:} would otherwise listen on the default 0.0.0.0:8080, which another test JVM may hold)
     * and, unless the test's YAML sets them, no shutdown drain period (nothing balances in front of a test gateway)
     * an event journal in a fresh temporary directory per instance (so no test or instance replays another's
     * events or competes for a directory), and no access log (the access log's own tests configure it).
     */
    private Map<String, String> testEnv() throws java.io.IOException {
        Map<String, String> e = new java.util.HashMap<>(env);
        e.putIfAbsent("LEVEE_SERVER_HOST", "127.0.0.1");
        e.putIfAbsent("LEVEE_SERVER_PORT", "0");
        e.putIfAbsent("LEVEE_ADMIN_PORT", "0");
        if (!yaml.contains("drain-period")) {
            e.putIfAbsent("LEVEE_SERVER_DRAIN_PERIOD", "0s");
        }
        if (!yaml.contains("access-log")) { // one stdout line per request of every test would bury the test output
            e.putIfAbsent("LEVEE_ACCESS_LOG_ENABLED", "false");
        }
        if (!yaml.contains("journal")) {
            java.nio.file.Path journalDir = java.nio.file.Files.createTempDirectory("levee-journal-");
            journalDirs.add(journalDir);
            e.putIfAbsent("LEVEE_EVENTS_JOURNAL_DIR", journalDir.toString());
        }
        return e;
    }

    private void stop() throws Exception {
        for (GatewayServer g : gateways) {
            g.shutdown().await(30, TimeUnit.SECONDS);
        }
        gateways.clear();
        for (Vertx v : vertxes) {
            v.close().await(10, TimeUnit.SECONDS);
        }
        vertxes.clear();
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        vertx = null;
        for (java.nio.file.Path journalDir : journalDirs) {
            try (var files = java.nio.file.Files.walk(journalDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        journalDirs.clear();
    }

    /** The first (or only) instance. */
    public GatewayServer gateway() {
        return gateway(0);
    }

    /** Instance {@code i} (0-based) of {@link Builder#instances}. */
    public GatewayServer gateway(int i) {
        return gateways.get(i);
    }

    /** How many gateway instances run. */
    public int instances() {
        return gateways.size();
    }

    public Vertx vertx() {
        return vertx;
    }

    public String upstreamUrl() {
        return "http://127.0.0.1:" + upstreamServer.actualPort();
    }

    public int port() {
        return gateway().port();
    }

    public URI uri(String pathAndQuery) {
        return uri(0, pathAndQuery);
    }

    /** A URI on instance {@code i}'s public listener. */
    public URI uri(int i, String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + gateway(i).port() + pathAndQuery);
    }

    /** The admin listener's port. */
    public int adminPort() {
        return gateway().adminPort();
    }

    /** A URI on the admin listener (health sections, metrics, dashboard, figures, resets). */
    public URI adminUri(String pathAndQuery) {
        return adminUri(0, pathAndQuery);
    }

    /** A URI on instance {@code i}'s admin listener. */
    public URI adminUri(int i, String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + gateway(i).adminPort() + pathAndQuery);
    }

    /** GET {@code pathAndQuery} on the admin listener, with optional header pairs. */
    public HttpResponse<String> admin(String pathAndQuery, String... headers) throws Exception {
        return admin(0, pathAndQuery, headers);
    }

    /** GET {@code pathAndQuery} on instance {@code i}'s admin listener, with optional header pairs. */
    public HttpResponse<String> admin(int i, String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(adminUri(i, pathAndQuery)).timeout(Duration.ofSeconds(30))
                .GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A JDK HTTP client for the test's requests. */
    public HttpClient http() {
        return http;
    }

    /** GET {@code pathAndQuery} with optional header pairs; the body as a string. */
    public HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        return get(0, pathAndQuery, headers);
    }

    /** GET {@code pathAndQuery} on instance {@code i}, with optional header pairs. */
    public HttpResponse<String> get(int i, String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(i, pathAndQuery)).timeout(Duration.ofSeconds(30)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    public static final class Builder {
        private Consumer<Router> upstreamRoutes = r -> r.route().handler(ctx -> ctx.end("ok"));
        private String yaml = "";
        private Map<String, String> env = Map.of();
        private Ticker ticker = Ticker.system();
        private Function<Vertx, Scheduler> scheduler;
        private List<Function<GatewayContext, GatewayFeature>> features = Features.all();
        private List<Filter> filters = List.of();
        private int instances = 1;

        /** Routes of the local upstream. */
        public Builder upstream(Consumer<Router> routes) {
            this.upstreamRoutes = routes;
            return this;
        }

        /** Extra YAML; {@code ${upstream}} is replaced by the local upstream's URL. */
        public Builder config(String yaml) {
            this.yaml = yaml;
            return this;
        }

        public Builder env(Map<String, String> env) {
            this.env = env;
            return this;
        }

        /** A manual ticker; pass the same object as scheduler to fire core timeouts from the test. */
        public Builder ticker(Ticker ticker) {
            this.ticker = ticker;
            return this;
        }

        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = v -> scheduler;
            return this;
        }

        /** Only these features (default: all of {@code Features.all()}). */
        public Builder features(List<Function<GatewayContext, GatewayFeature>> features) {
            this.features = features;
            return this;
        }

        /** Test stages put into the request chain at their stage (one whose feature the test leaves out). */
        public Builder filters(List<Filter> filters) {
            this.filters = filters;
            return this;
        }

        /** This many gateways (default 1), same config, same upstream, each on a Vert.x of its own. */
        public Builder instances(int instances) {
            if (instances < 1) {
                throw new IllegalArgumentException("instances: " + instances + " (expected: >= 1)");
            }
            this.instances = instances;
            return this;
        }

        public GatewayExtension build() {
            String base = "server: { host: 127.0.0.1, port: 0, event-loops: 2, shutdown-grace: 2s }\n"
                    + "upstream: { url: \"${upstream}\" }\n";
            this.yaml = merge(base, yaml);
            return new GatewayExtension(this);
        }

        /** Test YAML may repeat server/upstream; later top-level keys win, so append the test's YAML last. */
        private static String merge(String base, String extra) {
            StringBuilder sb = new StringBuilder();
            boolean overridesServer = extra.lines().anyMatch(l -> l.startsWith("server:"));
            boolean overridesUpstream = extra.lines().anyMatch(l -> l.startsWith("upstream:"));
            for (String line : base.split("\n")) {
                if (line.startsWith("server:") && overridesServer || line.startsWith("upstream:") && overridesUpstream) {
                    continue;
                }
                sb.append(line).append('\n');
            }
            return sb.append(extra).toString();
        }
    }
}
