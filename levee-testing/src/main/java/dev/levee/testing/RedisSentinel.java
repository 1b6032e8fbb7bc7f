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
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A throwaway Redis Sentinel ({@code redis-server <conf> --sentinel}) that monitors a {@link RedisProcess} as
 * primary {@code master}, for tests that connect through Sentinel. One sentinel, quorum 1: enough to be asked for
 * the primary's address, not a failover set-up.
 *
 * <p>Implementation notes: Sentinel insists on a writable config file (it rewrites it), so each start writes a
 * fresh one in a temporary directory. Like {@link RedisProcess} it waits for its own log line (the
 * {@code +monitor} event) and moves to another free port when it lost its port to another process.
 */
public final class RedisSentinel implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    private static final int MAX_PORT_ATTEMPTS = 5;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final RedisProcess primary;
    private final String master;
    private final Path dir;
    private int port;
    private @Nullable Process process; // null while not running

    private RedisSentinel(RedisProcess primary, String master) {
        this.primary = requireNonNull(primary, "primary");
        this.master = requireNonNull(master, "master");
        try {
            dir = Files.createTempDirectory("levee-redis-sentinel-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A sentinel for {@code primary} (started first, since its port is read at {@link #start}) under the name
     * {@code master}.
     *
     * @param primary the Redis it monitors
     * @param master  the master name clients ask for
     * @return the sentinel, not started yet
     */
    public static RedisSentinel monitoring(RedisProcess primary, String master) {
        return new RedisSentinel(primary, master);
    }

    /**
     * Starts the sentinel and returns when it monitors the primary.
     *
     * @throws IllegalStateException if it did not come up (the message holds the end of its log)
     */
    public void start() {
        for (int attempt = 1; ; attempt++) {
            port = Ports.free();
            Path conf = dir.resolve("sentinel-" + attempt + ".conf");
            Path log = dir.resolve("sentinel-" + attempt + ".log");
            try {
                Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\ndir " + dir + "\n"
                        + "sentinel monitor " + master + " 127.0.0.1 " + primary.port() + " 1\n");
                process = new ProcessBuilder(List.of("redis-server", conf.toString(), "--sentinel"))
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run redis-server --sentinel (apt-get install redis-server)", e);
            }
            String outcome = awaitReady(log);
            if (outcome == null) {
                return;
            }
            process = null;
            if (!outcome.contains("already in use") || attempt >= MAX_PORT_ATTEMPTS) {
                throw new IllegalStateException("redis sentinel on port " + port + " did not start: " + outcome);
            }
        }
    }

    private @Nullable String awaitReady(Path log) {
        Process p = requireNonNull(process, "process"); // start() has just set it
        String outcome = ChildProcesses.awaitLine(p, log, "+monitor master " + master, START_TIMEOUT, "redis sentinel");
        if (outcome != null) {
            process = null;
        }
        return outcome;
    }

    /** @return the sentinel's port */
    public int port() {
        return port;
    }

    /** @return {@code redis-sentinel://127.0.0.1:<port>#<master>}, the URL a Sentinel-aware client connects with */
    public String url() {
        return "redis-sentinel://127.0.0.1:" + port + "#" + master;
    }

    private void stop() {
        Process p = process;
        if (p != null) {
            ChildProcesses.stop(p);
            process = null;
        }
    }

    /** Stops the sentinel (not the primary); the temporary directory stays for a look at the logs. */
    @Override
    public void close() {
        stop();
    }

    /** As a static {@code @RegisterExtension} field declared after the primary's: {@link #start}. */
    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    /** As a static {@code @RegisterExtension} field: {@link #close}. */
    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }
}
