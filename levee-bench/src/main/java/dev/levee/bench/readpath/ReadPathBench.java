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
package dev.levee.bench.readpath;

import com.sun.net.httpserver.HttpServer;
import dev.levee.gateway.GatewayServer;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.LeveeConfig;
import io.vertx.core.Vertx;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The read path's thundering-herd measurement, in three processes so the gateway (or nginx) under test runs alone:
 * <pre>
 *   java -cp benchmarks.jar dev.levee.bench.readpath.ReadPathBench upstream PORT DELAY_MS
 *   java -cp benchmarks.jar dev.levee.bench.readpath.ReadPathBench gateway CONFIG.yaml
 *   java -cp benchmarks.jar dev.levee.bench.readpath.ReadPathBench herd BASE_URL UPSTREAM_URL N ROUNDS [warm]
 *   java -cp benchmarks.jar dev.levee.bench.readpath.ReadPathBench vherd BASE_URL UPSTREAM_URL N ROUNDS [warm]
 * </pre>
 * {@code upstream}: answers every GET after DELAY_MS with a ~1 KB JSON body, counts calls ({@code GET /__calls}).
 * {@code herd}: per round, fires N concurrent GETs for one new (cold) key, then reports the upstream calls that
 * round caused, the leader's latency (the request answered {@code X-Cache: MISS}) and the waiters' latency
 * percentiles, and how long after the leader's response the waiters' responses arrived (the fan-out). One warm-up round (not reported) opens the N keep-alive connections first.
 */
public final class ReadPathBench {
    private ReadPathBench() {}

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "upstream" -> upstream(Integer.parseInt(args[1]), Long.parseLong(args[2]));
            case "gateway" -> gateway(Path.of(args[1]));
            case "herd" -> herd(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    args.length > 5 && args[5].equals("warm"));
            case "vherd" -> vherd(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    args.length > 5 && args[5].equals("warm"));
            default -> System.err.println("usage: upstream PORT DELAY_MS | gateway CONFIG"
                    + " | herd BASE UPSTREAM N ROUNDS [warm] | vherd BASE UPSTREAM N ROUNDS [warm]");
        }
    }

    @SuppressWarnings("AddressSelection") // the fake upstream listens on the loopback address only
    static void upstream(int port, long delayMs) throws Exception {
        AtomicLong calls = new AtomicLong();
        byte[] pad = "x".repeat(900).getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 4096);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/__calls", ex -> {
            byte[] b = Long.toString(calls.get()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        });
        server.createContext("/", ex -> {
            long n = calls.incrementAndGet();
            try {
                Thread.sleep(delayMs); // a virtual thread: the simulated upstream's processing time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] b = ("{\"uri\":\"" + ex.getRequestURI() + "\",\"n\":" + n + ",\"pad\":\""
                    + new String(pad, StandardCharsets.UTF_8) + "\"}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        });
        server.start();
        System.out.println("upstream on " + port + ", delay " + delayMs + " ms");
    }

    static void gateway(Path config) throws Exception {
        LeveeConfig c = ConfigLoader.load(config, System.getenv());
        GatewayServer g = GatewayServer.start(Vertx.vertx(), c).await(30, TimeUnit.SECONDS);
        System.out.println("gateway on " + g.port());
    }

    record Sample(long nanos, long endNanos, String xCache, int status) {}

    /** @param warm baseline: every round asks the same (cached) key, so no round waits for the upstream */
    static void herd(String base, String upstream, int n, int rounds, boolean warm) throws Exception {
        // several clients: one JDK client reads every connection on a single selector thread, which would make
        // the client, not the server under test, the bottleneck of a 1,000-response fan-out
        List<HttpClient> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .executor(Executors.newFixedThreadPool(2)).connectTimeout(Duration.ofSeconds(10)).build());
        }
        HttpClient http = clients.get(0);
        String tag = Long.toString(System.currentTimeMillis(), 36);
        for (int round = 0; round <= rounds; round++) {
            long before = upstreamCalls(http, upstream);
            String uri = base + "/api/odds?fixture_id=herd-" + tag + "-" + (warm ? 0 : round);
            List<CompletableFuture<Sample>> all = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                HttpRequest req = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).GET().build();
                long start = System.nanoTime();
                all.add(clients.get(i % clients.size()).sendAsync(req, HttpResponse.BodyHandlers.ofByteArray())
                        .thenApply(r -> {
                            long end = System.nanoTime();
                            return new Sample(end - start, end, r.headers().firstValue("X-Cache").orElse("?"),
                                    r.statusCode());
                        }));
            }
            List<Sample> samples = all.stream().map(CompletableFuture::join).toList();
            Thread.sleep(200); // let a straggling upstream call land in the count
            long upstreamDelta = upstreamCalls(http, upstream) - before;
            if (round == 0) {
                System.out.printf("warm-up: %d requests, %d upstream calls%n", n, upstreamDelta);
                continue;
            }
            report(round, samples, upstreamDelta);
        }
        System.exit(0);
    }

    /** As {@link #herd}, with a Vert.x (Netty) client on 2 event loops: a lighter client than the JDK's. */
    static void vherd(String base, String upstream, int n, int rounds, boolean warm) throws Exception {
        Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(2));
        URI b = URI.create(base);
        io.vertx.core.http.HttpClientAgent client = vertx.httpClientBuilder()
                .with(new io.vertx.core.http.HttpClientOptions().setDefaultHost(b.getHost())
                        .setDefaultPort(b.getPort()).setKeepAlive(true).setTcpNoDelay(true))
                .with(new io.vertx.core.http.PoolOptions().setHttp1MaxSize(n).setMaxWaitQueueSize(-1))
                .build();
        HttpClient http = HttpClient.newHttpClient();
        String tag = Long.toString(System.currentTimeMillis(), 36);
        for (int round = 0; round <= rounds; round++) {
            long before = upstreamCalls(http, upstream);
            String path = "/api/odds?fixture_id=vherd-" + tag + "-" + (warm ? 0 : round);
            List<CompletableFuture<Sample>> all = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long start = System.nanoTime();
                all.add(client.request(io.vertx.core.http.HttpMethod.GET, path)
                        .compose(req -> req.send().compose(resp -> resp.body().map(body -> {
                            long end = System.nanoTime();
                            String x = resp.getHeader("X-Cache");
                            return new Sample(end - start, end, x == null ? "?" : x, resp.statusCode());
                        })))
                        .toCompletionStage().toCompletableFuture());
            }
            List<Sample> samples = all.stream().map(CompletableFuture::join).toList();
            Thread.sleep(200);
            long upstreamDelta = upstreamCalls(http, upstream) - before;
            if (round == 0) {
                System.out.printf("warm-up: %d requests, %d upstream calls%n", n, upstreamDelta);
                continue;
            }
            report(round, samples, upstreamDelta);
        }
        System.exit(0);
    }

    @SuppressWarnings("ReferenceEquality") // identity on purpose: every sample but the leader itself
    static void report(int round, List<Sample> samples, long upstreamDelta) {
        Sample leader = samples.stream().filter(s -> s.xCache().equals("MISS")).findFirst()
                .orElse(samples.get(0)); // warm baseline: the first request sent stands in for the leader
        long[] waiters = samples.stream().filter(s -> s != leader).mapToLong(Sample::nanos).sorted().toArray();
        long non200 = samples.stream().filter(s -> s.status() != 200).count();
        Map<String, Long> byCache = new java.util.TreeMap<>();
        samples.forEach(s -> byCache.merge(s.xCache(), 1L, Long::sum));
        double leaderMs = leader == null ? Double.NaN : leader.nanos() / 1e6;
        // fan-out: how long after the leader's response each waiter's response arrived (0 if before)
        long[] after = leader == null ? new long[0] : samples.stream().filter(s -> s != leader)
                .mapToLong(s -> Math.max(0, s.endNanos() - leader.endNanos())).sorted().toArray();
        double p50 = pct(waiters, 50) / 1e6;
        double p99 = pct(waiters, 99) / 1e6;
        double max = waiters.length == 0 ? 0 : waiters[waiters.length - 1] / 1e6;
        System.out.printf("round %d: upstream_calls=%d non200=%d x_cache=%s leader_ms=%.2f waiter_p50_ms=%.2f "
                        + "waiter_p99_ms=%.2f waiter_max_ms=%.2f p99_minus_leader_ms=%.2f "
                        + "after_leader_p50_ms=%.2f after_leader_p99_ms=%.2f%n", round, upstreamDelta,
                non200, byCache, leaderMs, p50, p99, max, p99 - leaderMs, pct(after, 50) / 1e6, pct(after, 99) / 1e6);
    }

    static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    static long upstreamCalls(HttpClient http, String upstream) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(upstream + "/__calls")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return Long.parseLong(r.body().trim());
    }
}
