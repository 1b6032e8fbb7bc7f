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
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
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

import static dev.levee.core.internal.Arguments.positive;
import static java.util.Objects.requireNonNull;

/**
 * One shared Lettuce connection for Levee's Redis stores (Lettuce multiplexes every command of the process over
 * it; the async API never blocks a caller).
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
 *       when it appears; until then {@link #async()} fails fast.</li>
 *   <li>{@link #durability()}: read after the first connect and after every reconnect (a restarted Redis may run
 *       with another configuration), from the event bus's {@code ConnectionActivatedEvent}.</li>
 * </ul>
 */
public final class RedisConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisConnection.class);
    private static final long RETRY_CONNECT_MILLIS = 1000;
    /** Longest wait between two reconnect attempts. */
    public static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI uri;
    private final String redacted;
    private volatile @Nullable StatefulRedisConnection<String, String> connection; // null until the first connect
    private final AtomicBoolean connecting = new AtomicBoolean();
    private volatile boolean closed;
    private volatile Durability durability = Durability.UNKNOWN;
    private final List<Consumer<Durability>> durabilityListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean probing = new AtomicBoolean();
    /** An activation came while a read was in flight: read once more when it ends. */
    private final AtomicBoolean probeAgain = new AtomicBoolean();
    /** Disconnects seen; a read is current while none came since it started. */
    private final AtomicLong disconnects = new AtomicLong();
    /** {@link #disconnects} when the last answered read started, or -1: then the next activation reads again. */
    private volatile long readAt = -1;
    private final Disposable activations;

    private RedisConnection(ClientResources resources, RedisClient client, RedisURI uri, String redacted) {
        this.resources = resources;
        this.client = client;
        this.uri = uri;
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
     * Connects to {@code url} ({@code redis://host:port[/db]}), waiting up to four command timeouts for the first
     * connection (call it at start-up, not on an event loop); never fails for an unreachable Redis (it keeps trying
     * in the background).
     */
    public static RedisConnection connect(String url, Duration commandTimeout) {
        requireNonNull(url, "url");
        positive("commandTimeout", commandTimeout);
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(commandTimeout);
        // 1, 2, 4 ... ms, then every second: a returning Redis is picked up within about a second
        ClientResources resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(1), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
                .build();
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout.multipliedBy(4)).build())
                .build());
        RedisConnection c = new RedisConnection(resources, client, uri, uri.getHost() + ":" + uri.getPort());
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
        return client.connectAsync(StringCodec.UTF8, uri)
                .toCompletableFuture().whenComplete((conn, err) -> {
                    connecting.set(false);
                    if (err == null) {
                        if (closed) {
                            conn.closeAsync();
                            return;
                        }
                        connection = conn;
                        log.info("connected to Redis at {}", redacted);
                        probeDurability();
                    } else if (!closed) {
                        log.warn("Redis at {} unreachable ({}); retrying every {} ms", redacted, err.getMessage(),
                                RETRY_CONNECT_MILLIS);
                        client.getResources().eventExecutorGroup()
                                .schedule(() -> {
                                    tryConnect();
                                }, RETRY_CONNECT_MILLIS, TimeUnit.MILLISECONDS);
                    }
                });
    }

    /** The async commands, or a {@link RedisConnectionException} if the first connect has not succeeded yet. */
    public RedisAsyncCommands<String, String> async() {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null) {
            throw new RedisConnectionException("not connected to Redis at " + redacted);
        }
        return c.async();
    }

    /**
     * A new pub/sub connection on the same client (same reconnect options; Lettuce subscribes again by itself
     * after a reconnect). Fails if Redis is unreachable now; the caller retries.
     */
    public CompletableFuture<StatefulRedisPubSubConnection<String, String>> connectPubSub() {
        if (closed) {
            return CompletableFuture.failedFuture(new RedisConnectionException("closed"));
        }
        return client.connectPubSubAsync(StringCodec.UTF8, uri).toCompletableFuture();
    }

    /** True while the connection is up (false while Lettuce reconnects). */
    public boolean isConnected() {
        StatefulRedisConnection<String, String> c = connection;
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
        StatefulRedisConnection<String, String> c = connection;
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
        RedisAsyncCommands<String, String> a = c.async();
        // a server's error reply (CONFIG renamed or disabled) is an answer: unknown. No answer at all (not ready
        // yet, timed out) is tried again while the connection is up; a new activation probes anyway.
        AtomicBoolean unanswered = new AtomicBoolean();
        CompletableFuture<String> aof = a.configGet("appendonly").toCompletableFuture()
                .thenApply((Map<String, String> m) -> m.get("appendonly"))
                .exceptionally(e -> {
                    unanswered.compareAndSet(false, !(unwrap(e) instanceof RedisCommandExecutionException));
                    return null;
                });
        CompletableFuture<Integer> replicas = a.info("replication").toCompletableFuture()
                .thenApply(Durability::connectedReplicas)
                .exceptionally(e -> {
                    unanswered.compareAndSet(false, !(unwrap(e) instanceof RedisCommandExecutionException));
                    return -1;
                });
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

    private static Throwable unwrap(Throwable e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** host:port, for logs and health (no credentials). */
    public String address() {
        return redacted;
    }

    @Override
    public void close() {
        closed = true;
        activations.dispose();
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS); // ours (passed to the client): it does not shut it down
    }
}
