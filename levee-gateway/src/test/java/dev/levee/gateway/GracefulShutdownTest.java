package dev.levee.gateway;

import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.LeveeConfig;
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

/** SIGTERM behaviour: stop accepting, let the in-flight request finish, then stop. */
class GracefulShutdownTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void inFlightRequestFinishesAndNewConnectionsAreRefused() throws Exception {
        Promise<Void> release = Promise.promise();
        Promise<Void> arrived = Promise.promise();
        HttpServer upstream = vertx.createHttpServer().requestHandler(req -> {
            arrived.tryComplete();
            release.future().onComplete(v -> req.response().end("finished"));
        }).listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
        LeveeConfig config = ConfigLoader.load("""
                server: { host: 127.0.0.1, port: 0, shutdown-grace: 10s }
                admin: { port: 0 }
                upstream: { url: "http://127.0.0.1:%d" }
                """.formatted(upstream.actualPort()), Map.of());
        GatewayServer gateway = GatewayServer.start(vertx, config, dev.levee.core.time.Ticker.system(),
                GatewayServer.scheduler(vertx), List.of()).await(5, TimeUnit.SECONDS);
        URI uri = URI.create("http://127.0.0.1:" + gateway.port() + "/slow");
        HttpClient client = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> inFlight =
                client.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        arrived.future().await(5, TimeUnit.SECONDS);

        var stopped = gateway.shutdown();
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> assertThatThrownBy(() ->
                HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(ConnectException.class));
        assertThat(stopped.isComplete()).isFalse();

        release.complete();
        HttpResponse<String> response = inFlight.get(5, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("finished");
        stopped.await(10, TimeUnit.SECONDS);
    }
}
