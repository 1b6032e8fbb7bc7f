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
package dev.levee.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.gateway.admission.AdmissionFeature;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.EffectiveConfig;
import dev.levee.gateway.hotspot.HotSpotFeature;
import dev.levee.gateway.http.JsonResponses;
import dev.levee.gateway.testing.GatewayExtension;
import io.vertx.ext.web.RoutingContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Config reload on a real gateway ({@code POST /admin/reload} and {@link GatewayServer#reload()}): what changed
 * takes effect for new requests, what did not keeps its state, an invalid file changes nothing, a key that cannot
 * change live is reported, and queued requests survive a reload of the admission limit.
 */
class ConfigReloadTest {
    private static final String TOKEN = "reload-admin-token";
    private static final Path JOURNAL = tempDir();
    /** The extension's and every reload's environment: what is not in the file is the same each time. */
    private static final Map<String, String> ENV = Map.of("LEVEE_SERVER_HOST", "127.0.0.1", "LEVEE_SERVER_PORT",
            "0", "LEVEE_ADMIN_PORT", "0", "LEVEE_SERVER_DRAIN_PERIOD", "0s", "LEVEE_ACCESS_LOG_ENABLED", "false",
            "LEVEE_EVENTS_JOURNAL_DIR", JOURNAL.toString());

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Queue<RoutingContext> held = new ConcurrentLinkedQueue<>();
    private volatile boolean hold;

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.route().handler(ctx -> {
                calls.computeIfAbsent(ctx.request().path(), k -> new AtomicInteger()).incrementAndGet();
                if (hold && ctx.request().path().startsWith("/held")) {
                    held.add(ctx);
                } else {
                    ctx.end("up " + ctx.request().path());
                }
            }))
            .env(ENV)
            .config(config(4, "60s"))
            .build();

    /** The test config: {@code /kept} never changes; {@code /changed}'s cache freshness and the limit do. */
    static String config(int maxConcurrent, String changedFresh) {
        return config(maxConcurrent, changedFresh, "");
    }

    /** {@code server}: more keys of the server block (the extension's event loops and grace are always there). */
    static String config(int maxConcurrent, String changedFresh, String server) {
        return """
                server: { event-loops: 2, shutdown-grace: 2s%s }
                admin: { token: "%s" }
                upstream: { url: "${upstream}" }
                admission: { max-concurrent: %d, queue-capacity: 100 }
                routes:
                  - path: /kept
                    cache: { fresh: 60s }
                    hot-spot: { key: "query:id", limit: 1000, window: 60s }
                  - path: /changed
                    cache: { fresh: %s }
                """.formatted(server, TOKEN, maxConcurrent, changedFresh);
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("levee-reload-journal-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code yaml} (with the upstream filled in) to a file and makes it the gateway's reload source. */
    private Path file(String yaml, Map<String, String> env) throws IOException {
        Path f = JOURNAL.resolveSibling(JOURNAL.getFileName() + "-" + System.nanoTime() + ".yaml");
        Files.writeString(f, yaml.replace("${upstream}", gw.upstreamUrl()));
        gw.gateway().reloadFrom(() -> ConfigLoader.load(f, env));
        return f;
    }

    private HttpResponse<String> postReload(String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gw.uri(GatewayServer.RELOAD_PATH))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return gw.send(b.build());
    }

    private HttpResponse<String> reloadWithToken() throws Exception {
        return postReload("Authorization", "Bearer " + TOKEN);
    }

    private static String cache(HttpResponse<String> r) {
        return r.headers().firstValue("X-Cache").orElse("none");
    }

    private double metric(String series) throws Exception {
        String body = gw.admin("/metrics").body();
        for (String line : body.split("\n")) {
            if (line.startsWith(series + " ") || line.startsWith(series + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no series " + series);
    }

    @Test
    void aChangedRouteTakesEffectAndAnUnchangedOneKeepsItsCacheAndWindow() throws Exception {
        assertThat(cache(gw.get("/kept?id=1"))).isEqualTo("MISS");
        assertThat(cache(gw.get("/kept?id=1"))).isEqualTo("HIT");
        assertThat(cache(gw.get("/changed"))).isEqualTo("MISS");
        assertThat(cache(gw.get("/changed"))).isEqualTo("HIT");
        HotSpotLimiter window = gw.gateway().feature(HotSpotFeature.class).limiter("/kept");
        long granted = window.snapshot(10).granted();
        String before = gw.gateway().configIdentity().hash();
        file(config(8, "30s"), ENV);

        HttpResponse<String> r = reloadWithToken();

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JsonResponses.MAPPER.readTree(r.body());
        assertThat(body.path("status").asText()).isEqualTo("reloaded");
        assertThat(body.path("generation").asLong()).isEqualTo(2);
        assertThat(body.path("changed")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("admission.max-concurrent", "routes[1].cache.fresh");
        assertThat(body.path("needs_restart")).isEmpty();
        assertThat(body.path("errors")).isEmpty();
        String hash = EffectiveConfig.hash(gw.gateway().config());
        assertThat(hash).isNotEqualTo(before);
        assertThat(body.path("hash").asText()).isEqualTo(hash);
        assertThat(JsonResponses.MAPPER.readTree(gw.admin("/health").body()).path("config").path("hash").asText())
                .isEqualTo(hash);
        assertThat(gw.gateway().feature(AdmissionFeature.class).admission().maxConcurrent()).isEqualTo(8);
        assertThat(metric("levee_config_generation")).isEqualTo(2.0);

        assertThat(cache(gw.get("/kept?id=1"))).as("unchanged route: its cache entry is kept").isEqualTo("HIT");
        assertThat(calls.get("/kept").get()).isEqualTo(1);
        assertThat(cache(gw.get("/changed"))).as("changed route: a new cache").isEqualTo("MISS");
        assertThat(calls.get("/changed").get()).isEqualTo(2);
        assertThat(gw.gateway().feature(HotSpotFeature.class).limiter("/kept")).isSameAs(window);
        assertThat(window.snapshot(10).granted()).isEqualTo(granted);
        assertThat(gw.get("/kept?id=2").statusCode()).isEqualTo(200);
        assertThat(window.snapshot(10).granted()).isEqualTo(granted + 1); // still counting in the same window
    }

    @Test
    void theSameFileAgainIsUnchangedAndAGenerationIsNotSpent() throws Exception {
        file(config(4, "60s"), ENV);
        JsonNode body = JsonResponses.MAPPER.readTree(reloadWithToken().body());
        assertThat(body.path("status").asText()).isEqualTo("unchanged");
        assertThat(body.path("generation").asLong()).isEqualTo(1);
        assertThat(body.path("changed")).isEmpty();
    }

    @Test
    void anInvalidFileIsRejectedWithEveryErrorAndTheOldConfigKeepsServing() throws Exception {
        assertThat(cache(gw.get("/changed"))).isEqualTo("MISS");
        String hash = gw.gateway().configIdentity().hash();
        double failures = metric("levee_config_reload_failures_total");
        file(config(4, "60s").replace("max-concurrent: 4", "max-concurrent: -3")
                .replace("cache: { fresh: 60s }\n    hot-spot", "cache: { fresh: soon }\n    hot-spot"), ENV);

        assertThat(postReload().statusCode()).as("the admin token is required").isEqualTo(401);
        assertThat(gw.send(HttpRequest.newBuilder(gw.adminUri(GatewayServer.RELOAD_PATH))
                .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode())
                .as("on the admin listener too").isEqualTo(401);
        HttpResponse<String> r = reloadWithToken();

        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        JsonNode body = JsonResponses.MAPPER.readTree(r.body());
        assertThat(body.path("status").asText()).isEqualTo("rejected");
        assertThat(body.path("generation").asLong()).isEqualTo(1);
        assertThat(body.path("hash").asText()).isEqualTo(hash);
        assertThat(body.path("errors")).extracting(JsonNode::asText)
                .anySatisfy(e -> assertThat(e).startsWith("admission.max-concurrent").contains("-3"))
                .anySatisfy(e -> assertThat(e).startsWith("routes[0].cache.fresh").contains("soon"));
        assertThat(metric("levee_config_reload_failures_total")).isEqualTo(failures + 1);
        assertThat(metric("levee_config_generation")).isEqualTo(1.0);
        assertThat(gw.gateway().configIdentity().hash()).isEqualTo(hash);
        assertThat(gw.gateway().feature(AdmissionFeature.class).admission().maxConcurrent()).isEqualTo(4);
        assertThat(cache(gw.get("/changed"))).as("the old route still serves its cache").isEqualTo("HIT");
    }

    @Test
    void aPortChangeNeedsARestartAndTheGatewayStaysOnItsPort() throws Exception {
        int port = gw.port();
        int other = port == 65535 ? port - 1 : port + 1;
        Map<String, String> env = new HashMap<>(ENV);
        env.remove("LEVEE_SERVER_PORT"); // the file's port counts
        file(config(4, "60s", ", port: " + other), env);

        HttpResponse<String> r = reloadWithToken();

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JsonResponses.MAPPER.readTree(r.body());
        assertThat(body.path("status").asText()).isEqualTo("unchanged");
        assertThat(body.path("needs_restart")).extracting(JsonNode::asText).containsExactly("server.port");
        assertThat(body.path("changed")).extracting(JsonNode::asText).containsExactly("server.port");
        assertThat(gw.port()).isEqualTo(port);
        assertThat(gw.gateway().config().server().port()).isZero(); // the running value, as bound
        assertThat(gw.get("/changed").statusCode()).isEqualTo(200);

        // with a live change besides: that one is applied, the port still reported
        file(config(6, "60s", ", port: " + other), env);
        body = JsonResponses.MAPPER.readTree(reloadWithToken().body());
        assertThat(body.path("status").asText()).isEqualTo("reloaded");
        assertThat(body.path("needs_restart")).extracting(JsonNode::asText).containsExactly("server.port");
        assertThat(gw.gateway().feature(AdmissionFeature.class).admission().maxConcurrent()).isEqualTo(6);
        assertThat(gw.port()).isEqualTo(port);
    }

    @Test
    void queuedRequestsSurviveALimitChangeAndARaiseAdmitsThem() throws Exception {
        file(config(1, "60s"), ENV);
        assertThat(gw.gateway().reload().status()).isEqualTo(ReloadResult.RELOADED);
        hold = true;
        var admission = gw.gateway().feature(AdmissionFeature.class).admission();
        var responses = new java.util.ArrayList<java.util.concurrent.CompletableFuture<HttpResponse<String>>>();
        for (int i = 0; i < 4; i++) {
            responses.add(gw.http().sendAsync(HttpRequest.newBuilder(gw.uri("/held/" + i))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> held.size() == 1 && admission.stats().queued() == 3);

        file(config(2, "30s"), ENV); // a route changes too: the waiters are not on it
        assertThat(gw.gateway().reload().status()).isEqualTo(ReloadResult.RELOADED);
        await().atMost(Duration.ofSeconds(20)).until(() -> held.size() == 2 && admission.stats().queued() == 2);

        file(config(3, "60s"), ENV);
        assertThat(gw.gateway().reload().status()).isEqualTo(ReloadResult.RELOADED);
        await().atMost(Duration.ofSeconds(20)).until(() -> held.size() == 3 && admission.stats().queued() == 1);

        hold = false;
        RoutingContext ctx;
        while ((ctx = held.poll()) != null) {
            RoutingContext c = ctx;
            c.vertx().runOnContext(v -> c.end("up " + c.request().path()));
        }
        for (var f : responses) {
            HttpResponse<String> r = f.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        assertThat(admission.stats().classes()).allSatisfy(c -> {
            assertThat(c.shed()).isZero();
            assertThat(c.cancelled()).isZero();
        });
    }
}
