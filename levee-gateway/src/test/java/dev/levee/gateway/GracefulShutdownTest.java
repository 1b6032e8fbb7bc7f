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

import dev.levee.core.time.ManualTicker;
import dev.levee.core.time.Ticker;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.LeveeConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM behaviour, in order: readiness 503 at once while requests are still served for the drain period (timed by
 * a manual scheduler, so the test moves time), then no new connections, the in-flight request finishes, then stop.
 */
class GracefulShutdownTest {
    private final Vertx vertx = Vertx.vertx();
    private final ManualTicker time = new ManualTicker();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void readinessTurns503FirstThenConnectionsAreRefusedAndTheInFlightRequestFinishes() throws Exception {
        Promise<Void> release = Promise.promise();
        Promise<Void> arrived = Promise.promise();
        HttpServer upstream = vertx.createHttpServer().requestHandler(req -> {
            if (req.path().equals("/slow")) {
                arrived.tryComplete();
                release.future().onComplete(v -> req.response().end("finished"));
            } else {
                req.response().end("fast");
            }
        }).listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
        LeveeConfig config = ConfigLoader.load("""
                server: { host: 127.0.0.1, port: 0, drain-period: 5s, shutdown-grace: 10s }
                admin: { port: 0 }
                upstream: { url: "http://127.0.0.1:%d" }
                """.formatted(upstream.actualPort()), Map.of());
        GatewayServer gateway = GatewayServer.start(vertx, config, Ticker.system(), time, List.of())
                .await(5, TimeUnit.SECONDS);
        CompletableFuture<HttpResponse<String>> inFlight = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(uri(gateway, "/slow")).build(), HttpResponse.BodyHandlers.ofString());
        arrived.future().await(5, TimeUnit.SECONDS);
        assertThat(get(gateway, "/health/readiness").statusCode()).isEqualTo(200);

        Future<Void> stopped = gateway.shutdown();

        HttpResponse<String> ready = get(gateway, "/health/readiness");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("NOT_READY", "shutting down");
        HttpResponse<String> normal = get(gateway, "/fast"); // a new connection, still served
        assertThat(normal.statusCode()).isEqualTo(200);
        assertThat(normal.body()).isEqualTo("fast");
        assertThat(get(gateway, "/health/liveness").statusCode()).isEqualTo(200);
        assertThat(gateway.shutdown().succeeded()).as("a second call returns at once").isTrue();

        time.advance(java.time.Duration.ofMillis(4_999));
        assertThat(get(gateway, "/fast").statusCode()).isEqualTo(200);
        time.advance(java.time.Duration.ofMillis(1)); // the drain period is over: the listeners close

        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThatThrownBy(() -> get(gateway, "/fast"))
                .isInstanceOf(ConnectException.class));
        assertThat(stopped.isComplete()).as("waits for the in-flight request").isFalse();
        release.complete();
        HttpResponse<String> slow = inFlight.get(10, TimeUnit.SECONDS);
        assertThat(slow.statusCode()).isEqualTo(200);
        assertThat(slow.body()).isEqualTo("finished");
        stopped.await(10, TimeUnit.SECONDS);
    }

    @Test
    void aZeroDrainPeriodStopsAcceptingAtOnce() throws Exception {
        HttpServer upstream = vertx.createHttpServer().requestHandler(req -> req.response().end("ok"))
                .listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
        LeveeConfig config = ConfigLoader.load("""
                server: { host: 127.0.0.1, port: 0, drain-period: 0s }
                admin: { port: 0 }
                upstream: { url: "http://127.0.0.1:%d" }
                """.formatted(upstream.actualPort()), Map.of());
        GatewayServer gateway = GatewayServer.start(vertx, config, Ticker.system(), time, List.of())
                .await(5, TimeUnit.SECONDS);
        assertThat(get(gateway, "/x").statusCode()).isEqualTo(200);
        gateway.shutdown().await(10, TimeUnit.SECONDS); // no time advanced: nothing waited on the scheduler
        assertThatThrownBy(() -> get(gateway, "/x")).isInstanceOf(ConnectException.class);
    }

    private static URI uri(GatewayServer gateway, String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }

    /** A fresh client each time: a new connection, as a load balancer's next request would make. */
    private static HttpResponse<String> get(GatewayServer gateway, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri(gateway, path))
                .timeout(java.time.Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
