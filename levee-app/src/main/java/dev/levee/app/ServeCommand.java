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

import dev.levee.gateway.GatewayServer;
import dev.levee.gateway.ReloadResult;
import dev.levee.gateway.config.ConfigException;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.EventsConfig;
import dev.levee.gateway.config.LeveeConfig;
import dev.levee.gateway.events.EventsFeature;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code levee serve}: the gateway, until SIGTERM or Ctrl-C, then a graceful stop. SIGHUP reloads the config file
 * (as {@code POST /admin/reload} does).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the gateway in front of upstream.url.",
                "Config: --config FILE (YAML), else ./levee.yaml if present, else the defaults; every key can be",
                "overridden by LEVEE_<KEY_PATH> environment variables (e.g. LEVEE_ADMISSION_MAX_CONCURRENT=800)."})
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file.")
    Path config;

    @Option(names = "--port", paramLabel = "N", description = "Listen port (overrides server.port).")
    Integer port;

    @Option(names = "--preset", paramLabel = "NAME",
            description = "Event queue thresholds (warning / critical / recovery): dev (1,000 / 5,000 / 500),"
                    + " prod-10k (10,000 / 50,000 / 5,000) or prod-100k (50,000 / 200,000 / 25,000)."
                    + " Thresholds set explicitly still win.")
    String preset;

    @Override
    public Integer call() throws Exception {
        LeveeConfig cfg;
        try {
            cfg = load(config, port, preset);
        } catch (ConfigException e) {
            for (String error : e.errors()) { // every error of the file, one a line
                spec.commandLine().getErr().println("levee: invalid config: " + error);
            }
            return 2;
        }
        if (cfg.log().json()) {
            LogFormat.useJson();
        }
        // one HTTP server per configured event loop, each on a loop of its own: the pool holds at least that many
        Vertx vertx = NativeTransport.vertx("gateway", new VertxOptions().setEventLoopPoolSize(
                Math.max(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE, cfg.server().eventLoopCount())));
        GatewayServer gateway;
        try {
            gateway = GatewayServer.start(vertx, cfg).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            spec.commandLine().getErr().println("levee: cannot start the gateway: " + e.getMessage());
            vertx.close();
            return 1;
        }
        // a reload (SIGHUP, POST /admin/reload) reads the same file again, with the environment and --port as now;
        // installed before the line that says the gateway is up: a SIGHUP that comes before the handler is the JVM's
        // own, which shuts the gateway down
        gateway.reloadFrom(() -> load(config, port, preset));
        installSighup(sighupHandler(gateway));
        spec.commandLine().getOut().printf(Locale.ROOT, "levee gateway on http://%s:%d -> %s; %s%n",
                cfg.server().host(), gateway.port(), cfg.upstream().url(), gateway.adminPort() < 0
                        ? "health and metrics on this port with the admin token"
                        : "admin (health, metrics, dashboard) on http://" + cfg.admin().host() + ":" + gateway.adminPort());
        spec.commandLine().getOut().flush();
        awaitShutdown(vertx, gateway);
        return 0;
    }

    static LeveeConfig load(Path file, Integer port, String preset) {
        Path f = file;
        if (f == null && Files.exists(Path.of("levee.yaml"))) {
            f = Path.of("levee.yaml");
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        if (preset != null) {
            env.putAll(EventsConfig.presetOverride(preset));
        }
        LeveeConfig cfg = f == null ? ConfigLoader.load(env) : ConfigLoader.load(f, env);
        return port == null ? cfg : cfg.withPort(port);
    }

    /**
     * What SIGHUP does: a config reload, on a thread of its own (never the JVM's signal thread, which must return
     * at once; a reload reads a file and rebuilds what changed), its outcome logged. Reloads run one at a time.
     */
    static Runnable sighupHandler(GatewayServer gateway) {
        return () -> Thread.ofPlatform().name("levee-reload").daemon().start(() -> {
            try {
                ReloadResult r = gateway.reload();
                if (ReloadResult.REJECTED.equals(r.status())) {
                    log.error("SIGHUP: config reload rejected, generation {} (hash {}) keeps running: {}",
                            r.generation(), r.hash(), r.errors());
                } else {
                    log.info("SIGHUP: config {}: generation {} (hash {}), changed {}, needs restart {}", r.status(),
                            r.generation(), r.hash(), r.changed(), r.needsRestart());
                }
            } catch (RuntimeException e) {
                log.error("SIGHUP: config reload failed", e);
            }
        });
    }

    /**
     * Runs {@code handler} on every SIGHUP. The JDK has no public API for signals other than the shutdown hook's
     * (SIGTERM, SIGINT), so this is {@code sun.misc.Signal} (module jdk.unsupported, which the dist's runtime
     * always holds), reached reflectively: javac warns about any direct use of it and the build has -Werror.
     * Where the platform has no SIGHUP (Windows, -Xrs) or the process was started with SIGHUP ignored (nohup), the
     * reload is {@code POST /admin/reload} only, and a WARN says so.
     *
     * @return true if the handler is installed
     */
    static boolean installSighup(Runnable handler) {
        try {
            Class<?> signalType = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Object hup = signalType.getConstructor(String.class).newInstance("HUP");
            Object onSignal = Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] {handlerType},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            handler.run();
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "levee SIGHUP handler";
                    });
            Object previous = signalType.getMethod("handle", signalType, handlerType).invoke(null, hup, onSignal);
            if (previous == handlerType.getField("SIG_IGN").get(null)) {
                // ignored by whoever started the JVM (nohup, some supervisors): the JVM then keeps it ignored and
                // installs nothing, so a kill -HUP would do nothing, silently
                log.warn("SIGHUP is ignored by this process (started under nohup?): it will not reload the config;"
                        + " reload with POST /admin/reload");
                return false;
            }
            return true;
        } catch (ReflectiveOperationException | IllegalArgumentException | LinkageError e) {
            // no such signal here, the JVM reserved it, or no jdk.unsupported in this runtime
            log.warn("SIGHUP cannot be handled here ({}): reload the config with POST /admin/reload", e.toString());
            return false;
        }
    }

    /** What the shutdown hook adds to the configured phases for closing features, Vert.x and the log. */
    static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(5);

    /**
     * How long the shutdown hook waits for the gateway: every phase of {@link GatewayServer#shutdown} one after the
     * other (drain period, in-flight requests, event drain) plus {@link #SHUTDOWN_MARGIN}. Waiting less cuts the
     * event drain short (events then stay undelivered), so the hook never does.
     */
    static Duration shutdownBudget(LeveeConfig cfg) {
        return cfg.server().drainPeriod().plus(cfg.server().shutdownGrace())
                .plus(cfg.events().enabled() ? cfg.events().drainGrace() : Duration.ZERO).plus(SHUTDOWN_MARGIN);
    }

    /** Blocks until SIGTERM/SIGINT, then stops the gateway gracefully within {@link #shutdownBudget}. */
    static void awaitShutdown(Vertx vertx, GatewayServer gateway) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        long budgetMs = shutdownBudget(gateway.config()).toMillis();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                gateway.shutdown().eventually(() -> vertx.close()).await(budgetMs, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                EventsFeature events = gateway.feature(EventsFeature.class);
                System.err.println("levee: shutdown did not finish within " + budgetMs + " ms (" + e + "); events: "
                        + events.undeliveredReport(events.undelivered()));
            } finally {
                stopped.countDown();
            }
        }, "levee-shutdown"));
        stopped.await();
    }
}
