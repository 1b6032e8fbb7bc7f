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
package dev.levee.testing;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A throwaway {@code redis-server} of the test's own (Debian's {@code redis-server} on the PATH), for tests that
 * need an empty Redis or that stop, restart or freeze it. No persistence unless the extra arguments say otherwise
 * (e.g. {@code --appendonly yes}); the data directory is a fresh temporary one.
 *
 * <pre>{@code
 * try (RedisProcess redis = RedisProcess.onFreePort()) {
 *     redis.start();
 *     // ... redis.url() ...
 * }
 * }</pre>
 *
 * <p>Or one server for a test class, started before the class's {@code @BeforeAll} methods and before any test
 * instance (so instance fields, a gateway extension's config say, see the final {@link #url()}) and stopped after
 * the class:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RedisProcess REDIS = RedisProcess.onFreePort();
 * }</pre>
 *
 * <p>Implementation notes: a port from {@link Ports#free()} may be taken by another process before redis-server
 * binds it (other test JVMs on the machine pick ports the same way). Such a server logs "Address already in use"
 * and exits, and a test that only waited for the port to accept connections would then talk to the other
 * process. So {@link #start} waits for this server's own "Ready to accept connections" line and, when the port was
 * picked here and the server lost it, starts again on another free port (up to five times).
 * A restart after {@link #stop} keeps the port, since clients hold it.
 */
public final class RedisProcess implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    private static final int MAX_PORT_ATTEMPTS = 5;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final boolean portPicked;
    private final Path dir;
    private final List<String> extraArgs;
    private @Nullable TestCertificates tls; // null: plain TCP
    private int port;
    private int starts;
    private boolean started;
    private @Nullable Process process; // null while not running
    private boolean frozen;

    private RedisProcess(int port, boolean portPicked, String... extraArgs) {
        this.port = port;
        this.portPicked = portPicked;
        this.extraArgs = List.of(extraArgs);
        try {
            dir = Files.createTempDirectory("levee-redis-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A server on a free port, moved to another one if it is taken at the first start.
     *
     * @param extraArgs redis-server arguments after the defaults, so they override them
     * @return the server, not started yet
     */
    public static RedisProcess onFreePort(String... extraArgs) {
        return new RedisProcess(Ports.free(), true, extraArgs);
    }

    /**
     * A server on {@code port} (a test that needs to know the port before the server exists, say to configure a
     * client that must find nothing there first).
     *
     * @param port the port, kept on every start
     * @param extraArgs redis-server arguments after the defaults, so they override them
     * @return the server, not started yet
     */
    public static RedisProcess onPort(int port, String... extraArgs) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        return new RedisProcess(port, false, extraArgs);
    }

    /**
     * Makes this server (not started yet) speak TLS only: {@code --port 0}, its port as {@code --tls-port}, with
     * {@code certificates}' server certificate and key; clients need no certificate of their own.
     *
     * @param certificates the server's certificate, key and CA
     * @return this server, whose {@link #url()} is then {@code rediss://}
     */
    public RedisProcess tls(TestCertificates certificates) {
        requireNonNull(certificates, "certificates");
        if (started) {
            throw new IllegalStateException("tls(...) before the first start");
        }
        this.tls = certificates;
        return this;
    }

    /** @return the port the server listens on (may change at the first {@link #start} of a picked port) */
    public int port() {
        return port;
    }

    /** @return {@code redis://127.0.0.1:<port>}, or {@code rediss://127.0.0.1:<port>} with {@link #tls} */
    public String url() {
        return (tls != null ? "rediss" : "redis") + "://127.0.0.1:" + port;
    }

    /**
     * Starts the server and returns when it accepts connections.
     *
     * @param moreArgs redis-server arguments for this start only, after the others
     * @throws IllegalStateException if it did not come up (the message holds the end of its log)
     */
    public void start(String... moreArgs) {
        requireNonNull(moreArgs, "moreArgs");
        for (int attempt = 1; ; attempt++) {
            Path log = dir.resolve("redis-" + ++starts + ".log");
            List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                    "--daemonize", "no"));
            TestCertificates certs = tls;
            if (certs != null) {
                cmd.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port), "--tls-cert-file",
                        certs.serverCert().toString(), "--tls-key-file", certs.serverKey().toString(),
                        "--tls-ca-cert-file", certs.caCert().toString(), "--tls-auth-clients", "no"));
            }
            cmd.addAll(extraArgs);
            cmd.addAll(List.of(moreArgs));
            try {
                process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run redis-server (apt-get install redis-server)", e);
            }
            String outcome = awaitReady(log);
            if (outcome == null) {
                started = true;
                return;
            }
            process = null;
            if (portPicked && !started && outcome.contains("Address already in use") && attempt < MAX_PORT_ATTEMPTS) {
                port = Ports.free();
                continue;
            }
            throw new IllegalStateException("redis-server on port " + port + " did not start: " + outcome);
        }
    }

    /** Null once the log says the server is ready; the log's end if the process exits or the wait times out. */
    private @Nullable String awaitReady(Path log) {
        Process p = requireNonNull(process, "process"); // start() has just set it
        return ChildProcesses.awaitLine(p, log, "Ready to accept connections", START_TIMEOUT, "redis-server");
    }

    /** SIGSTOP: the socket stays open and nothing is answered (a hung Redis). */
    public void freeze() {
        signal("STOP");
        frozen = true;
    }

    /** SIGCONT after {@link #freeze}; nothing otherwise. */
    public void thaw() {
        if (frozen) {
            signal("CONT");
            frozen = false;
        }
    }

    private void signal(String name) {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException("redis-server on port " + port + " is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + p.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: kill -" + name, e);
        }
    }

    /**
     * SIGKILL: the server dies at once, as in a crash (no shutdown, nothing flushed, replicas not waited for);
     * {@link #start} may run it again on the same port.
     */
    public void kill() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
            frozen = false;
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s); {@link #start} may run it again on the same port. */
    public void stop() {
        thaw(); // a stopped process does not act on SIGTERM
        if (process != null) {
            destroy();
            process = null;
        }
    }

    private void destroy() {
        Process p = process;
        if (p != null) {
            ChildProcesses.stop(p);
        }
    }

    /** Stops the server; the temporary directory stays for a look at the logs. */
    @Override
    public void close() {
        stop();
    }

    /** As a static {@code @RegisterExtension} field: {@link #start} before the class's tests. */
    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    /** As a static {@code @RegisterExtension} field: {@link #close} after the class's tests. */
    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }
}
