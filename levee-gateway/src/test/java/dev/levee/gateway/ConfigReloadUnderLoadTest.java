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

import dev.levee.core.admission.ClassStats;
import dev.levee.gateway.admission.AdmissionFeature;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The acceptance test for reloads: steady load from a few client loops while 20 reloads alternate between
 * two valid configs (the limit, a route's cache and an upstream cluster change each time) gives no error and loses
 * no queued request, decided by counts.
 */
class ConfigReloadUnderLoadTest {
    private static final int CLIENTS = 4;
    private static final int RELOADS = 20;
    private static final Path DIR = tempDir();
    private static final Map<String, String> ENV = Map.of("LEVEE_SERVER_HOST", "127.0.0.1", "LEVEE_SERVER_PORT",
            "0", "LEVEE_ADMIN_PORT", "0", "LEVEE_SERVER_DRAIN_PERIOD", "0s", "LEVEE_ACCESS_LOG_ENABLED", "false",
            "LEVEE_EVENTS_JOURNAL_DIR", DIR.resolve("journal").toString());

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            // a little latency, so with 4 clients and a limit of 2 or 3 requests queue for admission
            .upstream(r -> r.route().handler(ctx -> ctx.vertx().setTimer(2, t -> ctx.end("up"))))
            .env(ENV)
            .config(config(2, "60s", "5s"))
            .build();

    static String config(int maxConcurrent, String fresh, String otherTimeout) {
        return """
                server: { event-loops: 2, shutdown-grace: 2s }
                upstream: { url: "${upstream}" }
                upstreams:
                  other: { endpoints: ["${upstream}"], timeout: %s }
                admission: { max-concurrent: %d, queue-capacity: 1000, max-wait: 30s }
                routes:
                  - path: /kept
                    cache: { fresh: 1s }
                  - path: /changed
                    cache: { fresh: %s }
                    coalesce: { max-wait: 5s }
                  - path: /other
                    upstream: other
                """.formatted(otherTimeout, maxConcurrent, fresh);
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("levee-reload-load-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void twentyReloadsDuringSteadyLoadGiveNoErrorsAndLoseNoQueuedRequest() throws Exception {
        Path a = DIR.resolve("a.yaml");
        Path b = DIR.resolve("b.yaml");
        Files.writeString(a, config(2, "60s", "5s").replace("${upstream}", gw.upstreamUrl()));
        Files.writeString(b, config(3, "30s", "6s").replace("${upstream}", gw.upstreamUrl()));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        String[] paths = {"/kept?id=", "/changed?id=", "/other/", "/proxied/"};
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            clients.add(Thread.ofPlatform().name("load-" + c).start(() -> {
                for (long i = 0; !stop.get(); i++) {
                    String path = paths[(int) ((i + client) % paths.length)] + (i % 7);
                    sent.incrementAndGet();
                    try {
                        HttpResponse<String> r = gw.http().send(HttpRequest.newBuilder(gw.uri(path))
                                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            ok.incrementAndGet();
                        } else {
                            errors.add(path + " -> " + r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        errors.add(path + " -> " + e);
                    }
                }
            }));
        }
        GatewayServer gateway = gw.gateway();
        var admission = gateway.feature(AdmissionFeature.class).admission();
        // the load makes a queue: the reloads below meet waiting requests
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
                .until(() -> admission.stats().queued() > 0);
        for (int n = 1; n <= RELOADS; n++) {
            long before = ok.get() + errors.size();
            // progress between reloads, not time: every reload lands in the middle of requests
            await().atMost(Duration.ofSeconds(30)).until(() -> ok.get() + errors.size() >= before + 20);
            Path file = n % 2 == 1 ? b : a;
            gateway.reloadFrom(() -> ConfigLoader.load(file, ENV));
            ReloadResult result = gateway.reload();
            assertThat(result.status()).as(result.toString()).isEqualTo(ReloadResult.RELOADED);
            assertThat(result.needsRestart()).isEmpty();
        }
        long atLastReload = ok.get() + errors.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> ok.get() + errors.size() >= atLastReload + 20);
        stop.set(true);
        for (Thread t : clients) {
            t.join(Duration.ofSeconds(60));
            assertThat(t.isAlive()).isFalse();
        }

        assertThat(errors).isEmpty();
        assertThat(ok.get()).isEqualTo(sent.get()).isGreaterThan(RELOADS * 20L);
        assertThat(gateway.configGeneration()).isEqualTo(RELOADS + 1);
        var stats = admission.stats();
        assertThat(stats.classes()).extracting(ClassStats::shed).containsOnly(0L);
        assertThat(stats.classes()).extracting(ClassStats::cancelled).containsOnly(0L);
        assertThat(stats.inFlight()).isZero();
        assertThat(stats.queued()).isZero();
        long admitted = stats.classes().stream().mapToLong(ClassStats::admitted).sum();
        assertThat(admitted).as("every request was admitted once").isEqualTo(sent.get());
    }
}
