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

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A throwaway Redis Cluster of the test's own: {@code primaries} {@link RedisProcess} nodes (plus
 * {@code replicasPerPrimary} replicas each) with {@code --cluster-enabled yes}, joined by
 * {@code redis-cli --cluster create}. {@link #start} returns once every node reports {@code cluster_state:ok},
 * all 16384 slots assigned and every node known, and every replica is in sync with its primary, so a client's first topology read sees the whole cluster.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RedisCluster CLUSTER = RedisCluster.ofPrimaries(3);
 * // ... CLUSTER.nodeUrls() ...
 * }</pre>
 *
 * <p>Implementation notes: each node needs two ports, its client port and its cluster-bus port (by default
 * port + 10000, which may be taken or above 65535), so the bus port is picked free too and passed as
 * {@code --cluster-port}. A node that loses either port to another process logs "Address already in use" and is
 * started again on new ports (up to five times; {@link RedisProcess} only retries the client port). Cluster
 * creation and convergence take seconds on a busy machine: the waits are generous (a minute for the cluster to
 * agree) and poll with {@code redis-cli}, a real client of each node.
 */
public final class RedisCluster implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    private static final int MAX_NODE_ATTEMPTS = 5;
    private static final Duration CONVERGE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);

    private final int primaries;
    private final int replicasPerPrimary;
    private final List<RedisProcess> nodes = new ArrayList<>();
    private Duration nodeTimeout = Duration.ofSeconds(5);

    private RedisCluster(int primaries, int replicasPerPrimary) {
        this.primaries = primaries;
        this.replicasPerPrimary = replicasPerPrimary;
    }

    /**
     * {@code cluster-node-timeout} of every node (default 5 s): how long a primary may not answer before the
     * others take it as failed and its replica takes over. Before {@link #start}.
     *
     * @param timeout at least 100 ms
     * @return this cluster
     */
    public RedisCluster nodeTimeout(Duration timeout) {
        requireNonNull(timeout, "timeout");
        if (timeout.toMillis() < 100) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 100 ms)");
        }
        this.nodeTimeout = timeout;
        return this;
    }

    /**
     * A cluster of {@code primaries} primaries without replicas.
     *
     * @param primaries at least 3 (what {@code redis-cli --cluster create} accepts)
     * @return the cluster, not started yet
     */
    public static RedisCluster ofPrimaries(int primaries) {
        return of(primaries, 0);
    }

    /**
     * A cluster of {@code primaries} primaries with {@code replicasPerPrimary} replicas each.
     *
     * @param primaries          at least 3
     * @param replicasPerPrimary 0 or more
     * @return the cluster, not started yet
     */
    public static RedisCluster of(int primaries, int replicasPerPrimary) {
        if (primaries < 3) {
            throw new IllegalArgumentException("primaries: " + primaries + " (expected: >= 3)");
        }
        if (replicasPerPrimary < 0) {
            throw new IllegalArgumentException("replicasPerPrimary: " + replicasPerPrimary + " (expected: >= 0)");
        }
        return new RedisCluster(primaries, replicasPerPrimary);
    }

    /**
     * Starts every node, creates the cluster and waits until every node agrees it is whole.
     *
     * @throws IllegalStateException if a node did not start or the cluster did not converge
     */
    public void start() {
        int total = primaries * (1 + replicasPerPrimary);
        try {
            for (int i = 0; i < total; i++) {
                nodes.add(startNode(nodeTimeout));
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            for (RedisProcess n : nodes) {
                create.add("127.0.0.1:" + n.port());
            }
            create.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerPrimary), "--cluster-yes"));
            String out = run(create);
            if (!out.contains("All 16384 slots covered")) {
                throw new IllegalStateException("redis-cli --cluster create failed: " + out);
            }
            awaitConverged(total);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static RedisProcess startNode(Duration nodeTimeout) {
        for (int attempt = 1; ; attempt++) {
            RedisProcess node = RedisProcess.onFreePort("--cluster-enabled", "yes",
                    "--cluster-config-file", "nodes.conf", "--cluster-node-timeout",
                    Long.toString(nodeTimeout.toMillis()),
                    "--cluster-port", Integer.toString(Ports.free()));
            try {
                node.start();
                return node;
            } catch (IllegalStateException e) {
                node.close();
                if (attempt >= MAX_NODE_ATTEMPTS || !String.valueOf(e.getMessage()).contains("already in use")) {
                    throw e;
                }
            }
        }
    }

    @SuppressForbidden("waits for real redis-server processes to agree on the slots: real time, bounded by CONVERGE_TIMEOUT")
    private void awaitConverged(int total) {
        long deadline = System.nanoTime() + CONVERGE_TIMEOUT.toNanos();
        String last = "";
        while (System.nanoTime() - deadline < 0) {
            boolean all = true;
            for (RedisProcess n : nodes) {
                last = run(List.of("redis-cli", "-p", Integer.toString(n.port()), "cluster", "info"));
                if (!last.contains("cluster_state:ok") || !last.contains("cluster_slots_assigned:16384")
                        || !last.contains("cluster_known_nodes:" + total + "\r")
                        && !last.contains("cluster_known_nodes:" + total + "\n")) {
                    all = false;
                    break;
                }
                // a replica that has not synced yet refuses to fail over ("Disconnected from master for longer
                // than allowed"): a test that kills a primary needs its replicas in sync
                String replication = run(List.of("redis-cli", "-p", Integer.toString(n.port()), "info",
                        "replication"));
                if (replication.contains("role:slave") && !replication.contains("master_link_status:up")) {
                    last = replication;
                    all = false;
                    break;
                }
            }
            if (all) {
                return;
            }
            try {
                Thread.sleep(100); // polling other processes' state: nothing to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the cluster converged", e);
            }
        }
        throw new IllegalStateException("cluster did not converge within " + CONVERGE_TIMEOUT + ": " + last);
    }

    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes(); // ends when the process closes its output
            if (!p.waitFor(CLI_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + ": no exit within " + CLI_TIMEOUT);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd.get(0) + " (apt-get install redis-server)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    /**
     * Runs {@code redis-cli -p port args...} (CLUSTER NODES, CLUSTER KEYSLOT ...) and returns its output.
     *
     * @param port a node's client port
     * @param args the command and its arguments
     * @return what redis-cli printed
     */
    public String cli(int port, String... args) {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /**
     * The client port of the primary that serves {@code key}'s slot now, as the node at {@code askPort} sees it.
     *
     * @param askPort a running node's port
     * @param key     a key (its hash tag decides the slot)
     * @return the primary's port, or -1 while none does (its primary failed and no replica took over yet)
     */
    public int primaryFor(int askPort, String key) {
        int slot = Integer.parseInt(cli(askPort, "cluster", "keyslot", key).strip());
        for (String line : cli(askPort, "cluster", "nodes").split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length < 9 || !f[2].contains("master") || f[2].contains("fail")) {
                continue;
            }
            for (int i = 8; i < f.length; i++) {
                String[] range = f[i].split("-");
                int from = Integer.parseInt(range[0]);
                int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                if (slot >= from && slot <= to) {
                    return Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@')));
                }
            }
        }
        return -1;
    }

    /**
     * The node on {@code port}, to kill, freeze or restart it.
     *
     * @param port a node's client port
     * @return the node
     */
    public RedisProcess node(int port) {
        return nodes.stream().filter(n -> n.port() == port).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("port: " + port + " (expected: a node's port)"));
    }

    /** @return the client ports of every node, primaries and replicas, in start order */
    public List<Integer> ports() {
        return nodes.stream().map(RedisProcess::port).toList();
    }

    /** @return {@code redis://127.0.0.1:<port>} of every node, the seed list a cluster client starts from */
    public List<String> nodeUrls() {
        return nodes.stream().map(RedisProcess::url).toList();
    }

    /** Stops every node; their temporary directories stay for a look at the logs. */
    @Override
    public void close() {
        for (RedisProcess n : nodes) {
            n.close();
        }
        nodes.clear();
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
