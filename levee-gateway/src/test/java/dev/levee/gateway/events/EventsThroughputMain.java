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
package dev.levee.gateway.events;

import dev.levee.core.time.Ticker;
import dev.levee.gateway.GatewayServer;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.LeveeConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small measurement harness (not a test): a local sink that answers 200 at once, the real gateway with only the
 * events feature, and a Vert.x client (sink and client on Vert.x instances of their own) keeping {@code inflight} POSTs of {@code batch} events each in flight for
 * {@code seconds}. Prints events accepted per second through the gateway and events delivered per second to the
 * sink over the same window, then how long the queue took to drain. Everything shares one JVM and the machine's
 * cores, so the figures are a floor for the gateway alone.
 *
 * <p>Usage: {@code EventsThroughputMain [seconds=10] [inflight=128] [batch=1] [workers=32]}
 */
public final class EventsThroughputMain {
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int inflight = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int workers = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        // three Vert.x instances, so the gateway's event loops do only gateway work (the sink and the client
        // stand for other processes; they still share the machine's cores)
        Vertx vertx = Vertx.vertx();
        Vertx sinkVertx = Vertx.vertx();
        Vertx clientVertx = Vertx.vertx();
        AtomicLong delivered = new AtomicLong();
        HttpServer sink = sinkVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            delivered.incrementAndGet();
            req.response().end();
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        LeveeConfig config = ConfigLoader.load("""
                server: { host: 127.0.0.1, port: 0, event-loops: 2, drain-period: 0s }
                admin: { port: 0 }
                events:
                  preset: prod-100k
                  sink: "http://127.0.0.1:%d/ingest"
                  workers: %d
                  max-batch: 1000
                """.formatted(sink.actualPort(), workers), Map.of());
        GatewayServer gateway = GatewayServer.start(vertx, config, Ticker.system(), GatewayServer.scheduler(vertx),
                List.of(EventsFeature::new)).await(10, TimeUnit.SECONDS);

        StringBuilder sb = new StringBuilder(batch > 1 ? "[" : "");
        for (int i = 0; i < batch; i++) {
            sb.append(i > 0 ? "," : "").append("{\"type\":\"telemetry-data\",\"payload\":{\"device\":\"d-42\",\"v\":1.5}}");
        }
        Buffer body = Buffer.buffer(sb.append(batch > 1 ? "]" : "").toString());
        HttpClientAgent client = clientVertx.httpClientBuilder()
                .with(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true))
                .with(new PoolOptions().setHttp1MaxSize(inflight)).build();
        RequestOptions post = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                .setPort(gateway.port()).setURI(EventsFeature.EVENTS_PATH).putHeader("Content-Type", "application/json");

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong ok = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        Runnable[] loop = new Runnable[1];
        loop[0] = () -> {
            if (!running.get()) {
                return;
            }
            client.request(post).compose(r -> r.send(body).compose(resp -> resp.body().map(b -> resp.statusCode())))
                    .onComplete(ar -> {
                        if (ar.succeeded() && ar.result() == 202) {
                            ok.incrementAndGet();
                        } else if (ar.succeeded() && ar.result() == 503) {
                            refused.incrementAndGet();
                        } else {
                            errors.incrementAndGet();
                        }
                        loop[0].run();
                    });
        };
        for (int i = 0; i < inflight; i++) {
            loop[0].run();
        }
        Thread.sleep(3_000); // warm-up
        long ok0 = ok.get();
        long del0 = delivered.get();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long ok1 = ok.get();
        long del1 = delivered.get();
        double elapsed = (System.nanoTime() - t0) / 1e9;
        running.set(false);
        EventsFeature events = gateway.feature(EventsFeature.class);
        long drainStart = System.nanoTime();
        int depthAtStop = events.pipeline().stats().depth();
        while (events.pipeline().stats().depth() > 0 && System.nanoTime() - drainStart < 60e9) {
            Thread.sleep(20);
        }
        var totals = events.pipeline().totals();
        System.out.printf("batch=%d inflight=%d workers=%d window=%.1fs%n", batch, inflight, workers, elapsed);
        System.out.printf("requests 202/s: %.0f  events accepted/s: %.0f  (503: %d, errors: %d)%n",
                (ok1 - ok0) / elapsed, (ok1 - ok0) * batch / elapsed, refused.get(), errors.get());
        System.out.printf("events delivered to sink/s: %.0f%n", (del1 - del0) / elapsed);
        System.out.printf("depth at stop: %d, drained in %.2fs; totals accepted %d, completed %d, dead-lettered %d,"
                        + " circuit %s%n", depthAtStop, (System.nanoTime() - drainStart) / 1e9, totals.accepted(),
                totals.completed(), totals.deadLettered(), totals.state());
        gateway.shutdown().await(30, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        sinkVertx.close().await(10, TimeUnit.SECONDS);
        clientVertx.close().await(10, TimeUnit.SECONDS);
    }
}
