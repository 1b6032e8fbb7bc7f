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
package dev.levee.gateway.readpath;

import dev.levee.core.breaker.BreakerState;
import dev.levee.core.breaker.UpstreamBreaker;
import dev.levee.gateway.GatewayServer;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.LeveeConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small measurement harness (not a test) for an upstream that hangs: a local upstream that answers at once, or,
 * while hanging, takes requests and never answers; the real gateway (all features, real clock, upstream timeout
 * 5 s) with one route {@code /api}; an open-loop client at {@code rate} requests per second, each for a new key.
 * 5 s healthy (warm-up), 6 s hung, 6 s recovered. Prints when the breaker opened after the hang started, the most
 * requests at the upstream at once, what clients got meanwhile, and when the breaker closed after recovery. Upstream,
 * client and gateway share one JVM (three Vert.x instances) and the machine's cores.
 *
 * <p>Usage: {@code UpstreamHangMain ['ROUTE KEYS'] ['UPSTREAM KEYS'] [rate=100]}, e.g.
 * {@code '' ''} (defaults), {@code 'breaker: { enabled: false }' 'max-in-flight: 100000'} (no breaker, no bound).
 * <pre>
 * ./mvnw -B -q test-compile dependency:build-classpath -pl levee-gateway -am \
 *     -Dmdep.outputFile=/tmp/hang-cp.txt -Dmdep.includeScope=test
 * CP=levee-gateway/target/test-classes:levee-gateway/target/classes:$(cat /tmp/hang-cp.txt)
 * $JAVA_HOME/bin/java -Xmx512m -cp $CP dev.levee.gateway.readpath.UpstreamHangMain '' '' 100
 * </pre>
 */
public final class UpstreamHangMain {
    public static void main(String[] args) throws Exception {
        String routeKeys = args.length > 0 ? args[0] : "";
        String upstreamKeys = args.length > 1 ? args[1] : "";
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 100;

        Vertx upstreamVertx = Vertx.vertx();
        AtomicBoolean hang = new AtomicBoolean();
        AtomicInteger atUpstream = new AtomicInteger();
        AtomicInteger maxAtUpstream = new AtomicInteger();
        Queue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();
        HttpServer upstream = upstreamVertx.createHttpServer().requestHandler(req -> {
            maxAtUpstream.accumulateAndGet(atUpstream.incrementAndGet(), Math::max);
            AtomicBoolean done = new AtomicBoolean();
            Runnable leave = () -> {
                if (done.compareAndSet(false, true)) {
                    atUpstream.decrementAndGet();
                }
            };
            req.response().closeHandler(v -> leave.run()); // the gateway gave up (timeout) and reset it
            if (hang.get()) {
                held.add(req);
            } else {
                req.response().end("{\"ok\":true}");
                leave.run();
            }
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);

        Vertx gatewayVertx = Vertx.vertx();
        String yaml = "server: { host: 127.0.0.1, port: 0, event-loops: 2 }\nadmin: { port: 0 }\n"
                + "upstream: { url: \"http://127.0.0.1:" + upstream.actualPort() + "\""
                + (upstreamKeys.isBlank() ? "" : ", " + upstreamKeys) + " }\n"
                + "events: { enabled: false }\n"
                + "routes:\n  - path: /api\n" + (routeKeys.isBlank() ? "" : "    " + routeKeys + "\n");
        LeveeConfig config = ConfigLoader.load(yaml, Map.of());
        GatewayServer gateway = GatewayServer.start(gatewayVertx, config).await(10, TimeUnit.SECONDS);
        UpstreamBreaker breaker = gateway.feature(ReadPathFeature.class).pipeline("/api").breaker;

        Vertx clientVertx = Vertx.vertx();
        HttpClientAgent client = clientVertx.httpClientBuilder()
                .with(new HttpClientOptions().setKeepAlive(true))
                .with(new PoolOptions().setHttp1MaxSize(4000).setMaxWaitQueueSize(-1)).build();
        List<long[]> results = java.util.Collections.synchronizedList(new ArrayList<>()); // start, end, status, open
        Map<String, AtomicInteger> errors = new java.util.concurrent.ConcurrentHashMap<>(); // error field -> count
        long t0 = System.nanoTime();
        long hangAt = t0 + TimeUnit.SECONDS.toNanos(5);
        long recoverAt = Long.MAX_VALUE; // 6 s after the hang starts
        java.util.concurrent.atomic.AtomicLong endAt = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        AtomicInteger sent = new AtomicInteger();
        long tick = 10;
        clientVertx.setPeriodic(tick, id -> {
            long now = System.nanoTime();
            if (now >= endAt.get()) {
                clientVertx.cancelTimer(id);
                return;
            }
            long due = (now - t0) * rate / 1_000_000_000L;
            while (sent.get() < due) {
                int n = sent.incrementAndGet();
                long start = System.nanoTime();
                client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
                                .setPort(gateway.port()).setURI("/api/odds?k=" + n).setTimeout(30_000))
                        .compose(r -> r.send().compose(resp -> resp.body().map(b -> {
                            if (resp.statusCode() != 200) {
                                String e = b.toString().replaceAll(".*\"error\":\"([^\"]*)\".*", "$1");
                                errors.computeIfAbsent(resp.statusCode() + " " + e, x -> new AtomicInteger())
                                        .incrementAndGet();
                            }
                            // negative: a 503 from the open breaker (not max-in-flight, admission, ...)
                            return b.toString().contains("circuit open") ? -resp.statusCode() : resp.statusCode();
                        })))
                        .onComplete(ar -> results.add(new long[] {start, System.nanoTime(),
                                ar.succeeded() ? Math.abs(ar.result()) : -1,
                                ar.succeeded() && ar.result() < 0 ? 1 : 0}));
            }
        });

        String atHangStart = "";
        long openedAt = -1;
        long closedAt = -1;
        boolean recovered = false;
        while (System.nanoTime() < endAt.get()) {
            long now = System.nanoTime();
            // on a loaded machine the warm-up itself can be slow enough to open the breaker: hang from CLOSED only
            if (!hang.get() && !recovered && now >= hangAt
                    && (breaker == null || breaker.state() == BreakerState.CLOSED
                    || now - t0 > TimeUnit.SECONDS.toNanos(30))) {
                hang.set(true);
                recoverAt = now + TimeUnit.SECONDS.toNanos(6);
                endAt.set(recoverAt + TimeUnit.SECONDS.toNanos(6));
                hangAt = now; // the reference: when the upstream really stopped answering
                atHangStart = breaker == null ? "no breaker" : breaker.stats().state() + ", opened "
                        + breaker.stats().opened() + " times during the warm-up";
            }
            if (hang.get() && now >= recoverAt) {
                hang.set(false);
                recovered = true;
                HttpServerRequest r;
                while ((r = held.poll()) != null) {
                    HttpServerRequest req = r;
                    upstreamVertx.runOnContext(v -> req.response().end("{\"late\":true}"));
                }
            }
            BreakerState s = breaker == null ? BreakerState.CLOSED : breaker.state();
            if (openedAt < 0 && hang.get() && s == BreakerState.OPEN) {
                openedAt = now;
            }
            if (recovered && closedAt < 0 && s == BreakerState.CLOSED && openedAt >= 0) {
                closedAt = now;
            }
            Thread.sleep(5); // a measurement loop in a main, not a test
        }
        long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        while (results.size() < sent.get() && System.nanoTime() < drainUntil) {
            Thread.sleep(50);
        }

        List<long[]> during = new ArrayList<>();
        synchronized (results) {
            for (long[] r : results) {
                if (r[0] >= hangAt && r[0] < recoverAt) {
                    during.add(r);
                }
            }
        }
        Map<Long, Map<Long, Long>> timeline = new java.util.TreeMap<>(); // 500 ms bins relative to the hang
        synchronized (results) {
            for (long[] r : results) {
                long bin = Math.floorDiv((r[0] - hangAt) / 1_000_000, 500) * 500;
                timeline.computeIfAbsent(bin, b -> new java.util.TreeMap<>()).merge(r[2], 1L, Long::sum);
            }
        }
        long[] lat = during.stream().mapToLong(r -> (r[1] - r[0]) / 1_000_000).sorted().toArray();
        Map<Long, Long> byStatus = new java.util.TreeMap<>();
        for (long[] r : during) {
            byStatus.merge(r[2], 1L, Long::sum);
        }
        long firstFast503 = during.stream().filter(r -> r[2] == 503 && r[3] == 1).mapToLong(r -> r[0]).min().orElse(-1);
        System.out.printf("route keys: '%s', upstream keys: '%s', rate %d/s, sent %d, answered %d%n",
                routeKeys, upstreamKeys, rate, sent.get(), results.size());
        System.out.printf("breaker at hang start: %s%n", atHangStart);
        System.out.printf("breaker open after hang start: %s%n",
                openedAt < 0 ? "never" : (openedAt - hangAt) / 1_000_000 + " ms");
        System.out.printf("first circuit-open 503 (by request start) after hang start: %s%n",
                firstFast503 < 0 ? "none" : (firstFast503 - hangAt) / 1_000_000 + " ms");
        System.out.printf("max requests at the upstream at once: %d%n", maxAtUpstream.get());
        System.out.printf("errors (whole run): %s%n", new java.util.TreeMap<>(errors));
        System.out.printf("requests started during the hang: %d, by status %s (-1 = no answer)%n", during.size(),
                byStatus);
        if (lat.length > 0) {
            System.out.printf("latency during the hang: p50 %d ms, p99 %d ms, max %d ms%n",
                    lat[lat.length / 2], lat[(int) (lat.length * 0.99)], lat[lat.length - 1]);
        }
        System.out.printf("breaker closed after recovery: %s%n",
                closedAt < 0 ? (openedAt < 0 ? "n/a" : "not within 6 s") : (closedAt - recoverAt) / 1_000_000 + " ms");
        System.out.println("by start time (ms after hang start -> status counts; recovery at +6000):");
        timeline.forEach((bin, counts) -> System.out.printf("  %+6d %s%n", bin, counts));
        gateway.shutdown().await(30, TimeUnit.SECONDS);
        clientVertx.close().await(10, TimeUnit.SECONDS);
        gatewayVertx.close().await(10, TimeUnit.SECONDS);
        upstreamVertx.close().await(10, TimeUnit.SECONDS);
        System.exit(0);
    }
}
