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
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Throwaway Redis Sentinels ({@code redis-server <conf> --sentinel}) that monitor a {@link RedisProcess} as primary
 * {@code master}: one sentinel with quorum 1 ({@link #monitoring}, enough to be asked for the primary's address), or
 * a failover set ({@link #failoverSet}: several sentinels, a majority quorum, a short down-after) that promotes a
 * replica when the primary dies.
 *
 * <p>Implementation notes: Sentinel insists on a writable config file (it rewrites it), so each start writes a
 * fresh one in a temporary directory. Like {@link RedisProcess} each sentinel waits for its own log line (the
 * {@code +monitor} event) and moves to another free port when it lost its port to another process. A failover set
 * also waits until every sentinel has seen every other ({@code +sentinel} events, from their hello messages every
 * 2 s): before that they cannot reach the quorum, and a primary killed then would never be failed over.
 */
public final class RedisSentinel implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    private static final int MAX_PORT_ATTEMPTS = 5;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final RedisProcess primary;
    private final String master;
    private final int count;
    private final int quorum;
    private final @Nullable Duration downAfter; // null: Sentinel's default (30 s)
    private final Path dir;
    private final List<Integer> ports = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    private RedisSentinel(RedisProcess primary, String master, int count, int quorum, @Nullable Duration downAfter) {
        this.primary = requireNonNull(primary, "primary");
        this.master = requireNonNull(master, "master");
        this.count = count;
        this.quorum = quorum;
        this.downAfter = downAfter;
        try {
            dir = Files.createTempDirectory("levee-redis-sentinel-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One sentinel (quorum 1) for {@code primary} (started first, since its port is read at {@link #start}) under
     * the name {@code master}.
     *
     * @param primary the Redis it monitors
     * @param master  the master name clients ask for
     * @return the sentinel, not started yet
     */
    public static RedisSentinel monitoring(RedisProcess primary, String master) {
        return new RedisSentinel(primary, master, 1, 1, null);
    }

    /**
     * {@code sentinels} sentinels with a majority quorum that take {@code primary} as down after {@code downAfter}
     * without an answer and then promote one of its replicas (failover timeout: 10 s).
     *
     * @param primary   the Redis they monitor, with its replicas started
     * @param master    the master name clients ask for
     * @param sentinels at least 3 (a majority must survive to elect the sentinel that runs the failover)
     * @param downAfter {@code down-after-milliseconds}
     * @return the sentinels, not started yet
     */
    public static RedisSentinel failoverSet(RedisProcess primary, String master, int sentinels, Duration downAfter) {
        if (sentinels < 3) {
            throw new IllegalArgumentException("sentinels: " + sentinels + " (expected: >= 3)");
        }
        requireNonNull(downAfter, "downAfter");
        return new RedisSentinel(primary, master, sentinels, sentinels / 2 + 1, downAfter);
    }

    /**
     * Starts the sentinels and returns when each monitors the primary (and, in a failover set, knows the others).
     *
     * @throws IllegalStateException if one did not come up (the message holds the end of its log)
     */
    public void start() {
        try {
            for (int i = 0; i < count; i++) {
                startOne(i);
            }
            if (count > 1) {
                for (int i = 0; i < count; i++) {
                    for (int j = 0; j < count; j++) {
                        if (i != j) {
                            await(i, "127.0.0.1 " + ports.get(j) + " @ " + master);
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startOne(int index) {
        for (int attempt = 1; ; attempt++) {
            int port = Ports.free();
            Path conf = dir.resolve("sentinel-" + index + "-" + attempt + ".conf");
            Path log = dir.resolve("sentinel-" + index + "-" + attempt + ".log");
            StringBuilder text = new StringBuilder("port " + port + "\nbind 127.0.0.1\ndir " + dir + "\n"
                    + "sentinel monitor " + master + " 127.0.0.1 " + primary.port() + " " + quorum + "\n");
            Duration d = downAfter;
            if (d != null) {
                text.append("sentinel down-after-milliseconds ").append(master).append(' ').append(d.toMillis())
                        .append("\nsentinel failover-timeout ").append(master).append(" 10000\n");
            }
            Process p;
            try {
                Files.writeString(conf, text);
                p = new ProcessBuilder(List.of("redis-server", conf.toString(), "--sentinel"))
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run redis-server --sentinel (apt-get install redis-server)", e);
            }
            String outcome = ChildProcesses.awaitLine(p, log, "+monitor master " + master, START_TIMEOUT,
                    "redis sentinel");
            if (outcome == null) {
                ports.add(port);
                processes.add(p);
                logs.add(log);
                return;
            }
            if (!outcome.contains("already in use") || attempt >= MAX_PORT_ATTEMPTS) {
                throw new IllegalStateException("redis sentinel on port " + port + " did not start: " + outcome);
            }
        }
    }

    private void await(int index, String line) {
        String outcome = ChildProcesses.awaitLine(processes.get(index), logs.get(index), line, START_TIMEOUT,
                "redis sentinel");
        if (outcome != null) {
            throw new IllegalStateException("redis sentinel on port " + ports.get(index) + ": no '" + line
                    + "' within " + START_TIMEOUT + ": " + outcome);
        }
    }

    /**
     * Waits until every sentinel lists {@code replica} as a replica of the primary (Sentinel reads the replicas from
     * the primary's INFO every 10 s): a failover promotes only a replica the sentinels know.
     *
     * @param replica a running replica of the primary
     */
    public void awaitReplica(RedisProcess replica) {
        requireNonNull(replica, "replica");
        for (int i = 0; i < processes.size(); i++) {
            await(i, "+slave slave 127.0.0.1:" + replica.port() + " ");
        }
    }

    /**
     * Waits until a sentinel announces a failover to {@code replica} ({@code +switch-master}), up to
     * {@code timeout}.
     *
     * @param replica the replica expected to be promoted
     * @param timeout how long to wait
     */
    public void awaitSwitchTo(RedisProcess replica, Duration timeout) {
        requireNonNull(replica, "replica");
        String outcome = ChildProcesses.awaitLine(processes.get(0), logs.get(0),
                "+switch-master " + master + " 127.0.0.1 " + primary.port() + " 127.0.0.1 " + replica.port(),
                timeout, "a failover");
        if (outcome != null) {
            throw new IllegalStateException("no failover to " + replica.port() + " within " + timeout + ": "
                    + outcome);
        }
    }

    /** @return the first sentinel's port */
    public int port() {
        return ports.get(0);
    }

    /** @return every sentinel's port */
    public List<Integer> ports() {
        return List.copyOf(ports);
    }

    /**
     * @return {@code redis-sentinel://127.0.0.1:<port>[,127.0.0.1:<port>...]#<master>}, the URL a Sentinel-aware
     *     client connects with
     */
    public String url() {
        return "redis-sentinel://" + ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","))
                + "#" + master;
    }

    /** Stops the sentinels (not the primary); the temporary directory stays for a look at the logs. */
    @Override
    public void close() {
        for (Process p : processes) {
            ChildProcesses.stop(p);
        }
        processes.clear();
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
