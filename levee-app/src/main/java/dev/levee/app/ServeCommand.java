package dev.levee.app;

import dev.levee.gateway.GatewayServer;
import dev.levee.gateway.config.ConfigException;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.LeveeConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code levee serve}: the gateway, until SIGTERM or Ctrl-C, then a graceful stop. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the gateway in front of upstream.url.",
                "Config: --config FILE (YAML), else ./levee.yaml if present, else the defaults; every key can be",
                "overridden by LEVEE_<KEY_PATH> environment variables (e.g. LEVEE_ADMISSION_MAX_CONCURRENT=800)."})
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file.")
    Path config;

    @Option(names = "--port", paramLabel = "N", description = "Listen port (overrides server.port).")
    Integer port;

    @Override
    public Integer call() throws Exception {
        LeveeConfig cfg;
        try {
            cfg = load(config, port);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("levee: invalid config: " + e.getMessage());
            return 2;
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        GatewayServer gateway;
        try {
            gateway = GatewayServer.start(vertx, cfg).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            spec.commandLine().getErr().println("levee: cannot start the gateway: " + e.getMessage());
            vertx.close();
            return 1;
        }
        spec.commandLine().getOut().printf("levee gateway on http://%s:%d -> %s (health: /health, metrics: /metrics)%n",
                cfg.server().host(), gateway.port(), cfg.upstream().url());
        spec.commandLine().getOut().flush();
        awaitShutdown(vertx, gateway);
        return 0;
    }

    static LeveeConfig load(Path file, Integer port) {
        Path f = file;
        if (f == null && Files.exists(Path.of("levee.yaml"))) {
            f = Path.of("levee.yaml");
        }
        LeveeConfig cfg = f == null ? ConfigLoader.load(System.getenv()) : ConfigLoader.load(f, System.getenv());
        return port == null ? cfg : cfg.withPort(port);
    }

    /** Blocks until SIGTERM/SIGINT, then stops the gateway gracefully within its grace (plus a margin). */
    static void awaitShutdown(Vertx vertx, GatewayServer gateway) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        long graceMs = gateway.config().server().shutdownGrace().toMillis();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                gateway.shutdown().eventually(() -> vertx.close())
                        .await(graceMs + 5_000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                System.err.println("levee: shutdown did not finish cleanly: " + e);
            } finally {
                stopped.countDown();
            }
        }, "levee-shutdown"));
        stopped.await();
    }
}
