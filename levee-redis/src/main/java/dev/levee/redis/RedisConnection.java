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
package dev.levee.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.BaseRedisAsyncCommands;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.api.async.RedisServerAsyncCommands;
import io.lettuce.core.api.async.RedisSortedSetAsyncCommands;
import io.lettuce.core.api.async.RedisStreamAsyncCommands;
import io.lettuce.core.api.async.RedisStringAsyncCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.AsyncExecutions;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.DisconnectedEvent;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static dev.levee.core.internal.Arguments.positive;
import static java.util.Objects.requireNonNull;

/**
 * One shared Lettuce connection for Levee's Redis stores (Lettuce multiplexes every command of the process over
 * it; the async API never blocks a caller): to one Redis ({@link #connect}) or to a Redis Cluster
 * ({@link #connectCluster}).
 *
 * <p>Implementation notes: the point of this class is how it behaves while Redis is away.
 * <ul>
 *   <li>{@code autoReconnect}: Lettuce reconnects a dropped connection by itself, with an exponential backoff
 *       capped at {@link #MAX_RECONNECT_DELAY} (Lettuce's default cap is 30 s: a Redis back after a minute was
 *       picked up to 30 s late, and health stayed DEGRADED meanwhile).</li>
 *   <li>{@code REJECT_COMMANDS} while disconnected: a command fails at once instead of being buffered until the
 *       reconnect, so callers (the fallback window store) decide locally without waiting.</li>
 *   <li>A command timeout: a Redis that accepts the connection but does not answer fails commands after
 *       {@code commandTimeout} instead of leaving futures pending.</li>
 *   <li>{@link #connect} waits a bounded time for the first connection, so a reachable Redis serves the first
 *       request. A first connect that fails is retried in the background every second (Lettuce's auto-reconnect only
 *       covers connections that were once up), so a gateway starts even while Redis is down and picks Redis up
 *       when it appears; until then the command accessors fail fast.</li>
 *   <li>{@link #durability()}: read after the first connect and after every reconnect (a restarted Redis may run
 *       with another configuration), from the event bus's {@code ConnectionActivatedEvent}. On a cluster it is
 *       read from every primary and the weakest answer counts.</li>
 *   <li><b>Cluster.</b> Lettuce's {@link RedisClusterClient} routes each command to the primary of its key's slot
 *       and follows MOVED/ASK redirections; the topology is refreshed every {@link #TOPOLOGY_REFRESH} and at once
 *       on a redirection or a persistent reconnect (adaptive triggers, at most once a second). The stores keep
 *       the keys one script touches under one hash tag, so every script runs on one slot; {@code SCRIPT LOAD}
 *       goes to every primary. The accessors hand out the command groups both client kinds share, so the stores
 *       are written once for both.</li>
 * </ul>
 */
public final class RedisConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisConnection.class);
    private static final long RETRY_CONNECT_MILLIS = 1000;
    /** Longest wait between two reconnect attempts. */
    public static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);
    /** How often a cluster connection reads the topology even without a redirection. */
    public static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(10);

    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final boolean cluster;
    private final Supplier<CompletableFuture<? extends StatefulConnection<String, String>>> connector;
    private final Supplier<CompletableFuture<? extends StatefulRedisPubSubConnection<String, String>>> pubSubConnector;
    private final String redacted;
    private volatile @Nullable StatefulConnection<String, String> connection; // null until the first connect
    /** The async commands of {@link #connection}: a standalone or an advanced cluster command set. */
    private volatile @Nullable BaseRedisAsyncCommands<String, String> commands;
    private final AtomicBoolean connecting = new AtomicBoolean();
    private volatile boolean closed;
    private volatile Durability durability = Durability.UNKNOWN;
    /** Why the last connect attempt failed (null once connected). */
    private volatile @Nullable String lastError;
    /** Set when the server cannot be used the way it was connected to (a cluster node without the cluster client). */
    private volatile @Nullable String misconfiguration;
    private final List<Consumer<Durability>> durabilityListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean probing = new AtomicBoolean();
    /** An activation came while a read was in flight: read once more when it ends. */
    private final AtomicBoolean probeAgain = new AtomicBoolean();
    /** Disconnects seen; a read is current while none came since it started. */
    private final AtomicLong disconnects = new AtomicLong();
    /** {@link #disconnects} when the last answered read started, or -1: then the next activation reads again. */
    private volatile long readAt = -1;
    private final Disposable activations;

    private RedisConnection(ClientResources resources, AbstractRedisClient client, boolean cluster,
                            Supplier<CompletableFuture<? extends StatefulConnection<String, String>>> connector,
                            Supplier<CompletableFuture<? extends StatefulRedisPubSubConnection<String, String>>>
                                    pubSubConnector,
                            String redacted) {
        this.resources = resources;
        this.client = client;
        this.cluster = cluster;
        this.connector = connector;
        this.pubSubConnector = pubSubConnector;
        this.redacted = redacted;
        // every (re)activated connection of this client: the server may have been restarted with other settings
        this.activations = resources.eventBus().get()
                .filter(e -> e instanceof ConnectionActivatedEvent || e instanceof DisconnectedEvent)
                .subscribe(e -> {
                    if (e instanceof DisconnectedEvent) {
                        disconnects.incrementAndGet();
                    } else {
                        probeDurability();
                    }
                });
    }

    /**
     * Connects to {@code url} ({@code redis://host:port[/db]}, or
     * {@code redis-sentinel://host:port[,host:port...][/db]#master} for the primary that Redis Sentinel names: the
     * sentinels are asked again on every reconnect, so after a failover the reconnect finds the new primary),
     * waiting up to four command timeouts for the first connection (call it at start-up, not on an event loop);
     * never fails for an unreachable Redis (it keeps trying in the background).
     */
    public static RedisConnection connect(String url, Duration commandTimeout) {
        return connect(url, commandTimeout, RedisSecurity.NONE);
    }

    /**
     * {@link #connect(String, Duration)} with credentials and TLS trust ({@code rediss://}): a wrong password or a
     * certificate that does not verify is a failed connect like an unreachable Redis (retried every second, shown
     * by {@link #lastError()}), never an exception here.
     */
    public static RedisConnection connect(String url, Duration commandTimeout, RedisSecurity security) {
        requireNonNull(url, "url");
        positive("commandTimeout", commandTimeout);
        requireNonNull(security, "security");
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(commandTimeout);
        security.applyTo(uri);
        ClientResources resources = resources();
        RedisClient client = RedisClient.create(resources, uri);
        ClientOptions.Builder options = ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .socketOptions(socketOptions(commandTimeout));
        SslOptions ssl = security.sslOptions();
        if (ssl != null) {
            options.sslOptions(ssl);
        }
        client.setOptions(options.build());
        return start(new RedisConnection(resources, client, false,
                () -> client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture(),
                () -> client.connectPubSubAsync(StringCodec.UTF8, uri).toCompletableFuture(),
                redacted(uri)), commandTimeout);
    }

    /**
     * Connects to the Redis Cluster that {@code nodes} ({@code redis://host:port} each, any of its nodes; the
     * rest is found from the topology) belong to, waiting up to four command timeouts for the first connection;
     * like {@link #connect}, never fails for an unreachable cluster.
     */
    public static RedisConnection connectCluster(List<String> nodes, Duration commandTimeout) {
        return connectCluster(nodes, commandTimeout, RedisSecurity.NONE);
    }

    /** {@link #connectCluster(List, Duration)} with credentials and TLS trust, used for every node. */
    public static RedisConnection connectCluster(List<String> nodes, Duration commandTimeout, RedisSecurity security) {
        requireNonNull(nodes, "nodes");
        positive("commandTimeout", commandTimeout);
        requireNonNull(security, "security");
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("nodes: [] (expected: at least one redis://host:port)");
        }
        List<RedisURI> uris = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        for (String node : nodes) {
            RedisURI uri = RedisURI.create(requireNonNull(node, "node"));
            uri.setTimeout(commandTimeout);
            security.applyTo(uri);
            uris.add(uri);
            addresses.add(uri.getHost() + ":" + uri.getPort());
        }
        ClientResources resources = resources();
        RedisClusterClient client = RedisClusterClient.create(resources, uris);
        ClusterClientOptions.Builder options = ClusterClientOptions.builder();
        SslOptions ssl = security.sslOptions();
        if (ssl != null) {
            options.sslOptions(ssl);
        }
        client.setOptions(options
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .socketOptions(socketOptions(commandTimeout))
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(TOPOLOGY_REFRESH)
                        .enableAllAdaptiveRefreshTriggers()
                        .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                        .build())
                .build());
        return start(new RedisConnection(resources, client, true,
                // the async connects need the topology read first (the sync ones read it themselves)
                () -> client.refreshPartitionsAsync().toCompletableFuture()
                        .thenCompose(v -> client.connectAsync(StringCodec.UTF8)),
                () -> client.refreshPartitionsAsync().toCompletableFuture()
                        .thenCompose(v -> client.connectPubSubAsync(StringCodec.UTF8)),
                "cluster " + String.join(",", addresses)), commandTimeout);
    }

    /** host:port, or {@code sentinel <master> via host:port,...}: no credentials. */
    private static String redacted(RedisURI uri) {
        if (uri.getSentinels().isEmpty()) {
            return uri.getHost() + ":" + uri.getPort();
        }
        List<String> sentinels = new ArrayList<>();
        for (RedisURI s : uri.getSentinels()) {
            sentinels.add(s.getHost() + ":" + s.getPort());
        }
        return "sentinel " + uri.getSentinelMasterId() + " via " + String.join(",", sentinels);
    }

    /** 1, 2, 4 ... ms, then every second: a returning Redis is picked up within about a second. */
    private static ClientResources resources() {
        return DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(1), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
                .build();
    }

    private static SocketOptions socketOptions(Duration commandTimeout) {
        return SocketOptions.builder().connectTimeout(commandTimeout.multipliedBy(4)).build();
    }

    private static RedisConnection start(RedisConnection c, Duration commandTimeout) {
        try {
            // a reachable Redis is used from the first decision; an unreachable one does not hold the start up
            c.tryConnect().get(commandTimeout.multipliedBy(4).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // retried in the background
        }
        return c;
    }

    private CompletableFuture<?> tryConnect() {
        if (closed || connection != null || !connecting.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<? extends StatefulConnection<String, String>> attempt;
        try {
            attempt = connector.get();
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        return attempt.whenComplete((conn, err) -> {
            connecting.set(false);
            if (err == null) {
                if (closed) {
                    conn.closeAsync();
                    return;
                }
                commands = conn instanceof StatefulRedisClusterConnection<String, String> cc
                        ? cc.async() : ((StatefulRedisConnection<String, String>) conn).async();
                connection = conn;
                lastError = null;
                log.info("connected to Redis at {}", redacted);
                probeDurability();
                if (!cluster) {
                    checkNotAClusterNode();
                }
            } else if (!closed) {
                String why = describe(err);
                lastError = why;
                log.warn("Redis at {} unreachable ({}); retrying every {} ms", redacted, why, RETRY_CONNECT_MILLIS);
                resources.eventExecutorGroup()
                        .schedule(() -> {
                            tryConnect();
                        }, RETRY_CONNECT_MILLIS, TimeUnit.MILLISECONDS);
            }
        });
    }

    /**
     * A standalone (or Sentinel) connection to a Redis Cluster node works for the keys of that node's slots only and
     * gets MOVED for the rest: say so once, loudly, instead of a log full of MOVED errors.
     */
    private void checkNotAClusterNode() {
        try {
            server().info("cluster").toCompletableFuture().thenAccept(info -> {
                if (info != null && info.contains("cluster_enabled:1")) {
                    String why = "the Redis at " + redacted + " is a Redis Cluster node (INFO cluster: cluster_enabled:1)"
                            + "; a standalone connection gets MOVED for every key of another node's slots: connect"
                            + " with the cluster client (store.redis.mode: cluster, its address in nodes)";
                    misconfiguration = why;
                    log.error(why);
                }
            });
        } catch (RuntimeException e) {
            // INFO renamed away or the connection gone already: nothing to tell
        }
    }

    /**
     * Why a connect failed, in one line without credentials: a refused password and a certificate that does not
     * verify are named as such (Lettuce wraps both in "Unable to connect to host:port").
     */
    static String describe(Throwable err) {
        String root = null;
        for (Throwable t = err; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (t instanceof RedisCommandExecutionException && m != null
                    && (m.startsWith("WRONGPASS") || m.startsWith("NOAUTH") || m.startsWith("NOPERM"))) {
                return "authentication failed: " + m;
            }
            if (t instanceof javax.net.ssl.SSLException) {
                Throwable deepest = t;
                while (deepest.getCause() != null) {
                    deepest = deepest.getCause();
                }
                return "TLS handshake failed: " + (deepest.getMessage() != null ? deepest.getMessage() : m);
            }
            if (m != null) {
                root = m;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return root != null ? root : err.getClass().getSimpleName();
    }

    /**
     * Why the last attempt to connect failed ({@code authentication failed: WRONGPASS ...}, {@code TLS handshake
     * failed: ...}, a connection refused ...), or null once connected; no credentials in it.
     */
    public @Nullable String lastError() {
        return lastError;
    }

    /**
     * Null, or why the server this standalone connection reached cannot serve it (it is a Redis Cluster node):
     * connected, but most keys would get MOVED.
     */
    public @Nullable String misconfiguration() {
        return misconfiguration;
    }

    /** True for a {@link #connectCluster} connection. */
    public boolean isCluster() {
        return cluster;
    }

    private BaseRedisAsyncCommands<String, String> commands() {
        BaseRedisAsyncCommands<String, String> c = commands;
        if (c == null) {
            throw new RedisConnectionException("not connected to Redis at " + redacted);
        }
        return c;
    }

    // Both command sets (RedisAsyncCommands, RedisAdvancedClusterAsyncCommands) implement every group below.

    /** EVALSHA, SCRIPT LOAD ...; or a {@link RedisConnectionException} if the first connect has not succeeded yet. */
    @SuppressWarnings("unchecked")
    public RedisScriptingAsyncCommands<String, String> scripting() {
        return (RedisScriptingAsyncCommands<String, String>) commands();
    }

    /** GET, SET, MGET ...; or a {@link RedisConnectionException} if the first connect has not succeeded yet. */
    @SuppressWarnings("unchecked")
    public RedisStringAsyncCommands<String, String> strings() {
        return (RedisStringAsyncCommands<String, String>) commands();
    }

    /** ZADD, ZREM ...; or a {@link RedisConnectionException} if the first connect has not succeeded yet. */
    @SuppressWarnings("unchecked")
    public RedisSortedSetAsyncCommands<String, String> sortedSets() {
        return (RedisSortedSetAsyncCommands<String, String>) commands();
    }

    /** XADD, XRANGE ...; or a {@link RedisConnectionException} if the first connect has not succeeded yet. */
    @SuppressWarnings("unchecked")
    public RedisStreamAsyncCommands<String, String> streams() {
        return (RedisStreamAsyncCommands<String, String>) commands();
    }

    /**
     * {@code WAIT replicas timeout} on this connection: the replicas that acknowledged every write this connection
     * made so far. Not on a cluster (the writes of one cluster connection go to several primaries, each with
     * replicas of its own): there the future fails with {@link UnsupportedOperationException}.
     */
    public CompletableFuture<Long> waitForReplication(int replicas, long timeoutMillis) {
        if (cluster) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException(
                    "WAIT for replicas is not supported on Redis Cluster"));
        }
        try {
            return commands().waitForReplication(replicas, timeoutMillis).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * A new pub/sub connection on the same client (same reconnect options; Lettuce subscribes again by itself
     * after a reconnect). Fails if Redis is unreachable now; the caller retries. On a cluster it is a connection
     * to one node; a plain PUBLISH on any node reaches it (Redis forwards it over the cluster bus).
     */
    public CompletableFuture<StatefulRedisPubSubConnection<String, String>> connectPubSub() {
        if (closed) {
            return CompletableFuture.failedFuture(new RedisConnectionException("closed"));
        }
        try {
            return pubSubConnector.get().thenApply(c -> c);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** True while the connection is up (false while Lettuce reconnects). */
    public boolean isConnected() {
        StatefulConnection<String, String> c = connection;
        return c != null && c.isOpen();
    }

    /** What survives a restart of this Redis, as last read ({@link Durability#UNKNOWN} before the first read). */
    public Durability durability() {
        return durability;
    }

    /**
     * Calls {@code listener} with every reading of {@link #durability()} (after each connect and reconnect), at
     * once with the current one if it was read already; on a Lettuce thread, so it must not block.
     *
     * @return removes the listener
     */
    public Runnable onDurability(Consumer<Durability> listener) {
        requireNonNull(listener, "listener");
        durabilityListeners.add(listener);
        Durability d = durability;
        if (d != Durability.UNKNOWN) {
            listener.accept(d);
        }
        return () -> durabilityListeners.remove(listener);
    }

    /**
     * Reads {@code CONFIG GET appendonly} and {@code INFO replication} (async; a failure of one, e.g. CONFIG
     * renamed away, leaves that half unknown). One read at a time; a read that found the connection not ready yet
     * is tried again a second later.
     */
    private void probeDurability() {
        StatefulConnection<String, String> c = connection;
        if (closed || c == null) {
            return;
        }
        if (!probing.compareAndSet(false, true)) {
            probeAgain.set(true);
            return;
        }
        long epoch = disconnects.get();
        if (readAt == epoch) { // the other connection of the same reconnect: read already
            probing.set(false);
            return;
        }
        // a server's error reply (CONFIG renamed or disabled) is an answer: unknown. No answer at all (not ready
        // yet, timed out) is tried again while the connection is up; a new activation probes anyway.
        AtomicBoolean unanswered = new AtomicBoolean();
        CompletableFuture<String> aof;
        CompletableFuture<Integer> replicas;
        try {
            aof = readAppendonly().exceptionally(e -> {
                unanswered.compareAndSet(false, !(unwrap(e) instanceof RedisCommandExecutionException));
                return null;
            });
            replicas = readReplicas().exceptionally(e -> {
                unanswered.compareAndSet(false, !(unwrap(e) instanceof RedisCommandExecutionException));
                return -1;
            });
        } catch (RuntimeException e) {
            probing.set(false);
            return;
        }
        aof.thenCombine(replicas, Durability::of).whenComplete((d, e) -> {
            probing.set(false);
            if (closed) {
                return;
            }
            boolean again = probeAgain.getAndSet(false); // activated meanwhile: maybe another server by now
            if (unanswered.get()) {
                if (again) {
                    probeDurability();
                } else if (c.isOpen()) {
                    resources.eventExecutorGroup().schedule(this::probeDurability, RETRY_CONNECT_MILLIS,
                            TimeUnit.MILLISECONDS);
                }
                return;
            }
            readAt = again ? -1 : epoch;
            Durability before = durability;
            durability = d;
            if (d != before) {
                log.info("Redis at {}: durability {} (appendonly, connected replicas)", redacted, d.label());
            }
            for (Consumer<Durability> l : durabilityListeners) {
                try {
                    l.accept(d);
                } catch (RuntimeException ex) {
                    log.warn("durability listener failed", ex);
                }
            }
            if (again) {
                probeDurability();
            }
        });
    }

    /** {@code appendonly}; on a cluster "yes" only if every primary says so. */
    private CompletableFuture<String> readAppendonly() {
        if (commands instanceof RedisAdvancedClusterAsyncCommands<String, String> cc) {
            AsyncExecutions<Map<String, String>> all = cc.upstream().commands().configGet("appendonly");
            return all.toCompletableFuture().thenApply(answers -> {
                String worst = "yes";
                for (Map<String, String> m : answers) {
                    String v = m.get("appendonly");
                    if (v == null) {
                        return null;
                    }
                    if (!"yes".equalsIgnoreCase(v)) {
                        worst = v;
                    }
                }
                return worst;
            });
        }
        return server().configGet("appendonly").toCompletableFuture()
                .thenApply((Map<String, String> m) -> m.get("appendonly"));
    }

    /** {@code connected_slaves}; on a cluster the fewest of any primary. */
    private CompletableFuture<Integer> readReplicas() {
        if (commands instanceof RedisAdvancedClusterAsyncCommands<String, String> cc) {
            AsyncExecutions<String> all = cc.upstream().commands().info("replication");
            return all.toCompletableFuture().thenApply(answers -> {
                int fewest = Integer.MAX_VALUE;
                for (String info : answers) {
                    fewest = Math.min(fewest, Durability.connectedReplicas(info));
                }
                return answers.isEmpty() ? -1 : fewest;
            });
        }
        return server().info("replication").toCompletableFuture()
                .thenApply(Durability::connectedReplicas);
    }

    /** The server commands of a standalone connection (its async commands implement them all). */
    @SuppressWarnings("unchecked") // a standalone connection's commands are RedisAsyncCommands, which extend them
    private RedisServerAsyncCommands<String, String> server() {
        return (RedisServerAsyncCommands<String, String>) commands();
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** host:port (or {@code cluster host:port,...}), for logs and health (no credentials). */
    public String address() {
        return redacted;
    }

    @Override
    public void close() {
        closed = true;
        activations.dispose();
        StatefulConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS); // ours (passed to the client): it does not shut it down
    }
}
