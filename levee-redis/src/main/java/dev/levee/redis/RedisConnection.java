package dev.levee.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * One shared Lettuce connection for Levee's Redis stores (Lettuce multiplexes every command of the process over
 * it; the async API never blocks a caller).
 *
 * <p>Implementation notes: the point of this class is how it behaves while Redis is away.
 * <ul>
 *   <li>{@code autoReconnect}: Lettuce reconnects a dropped connection by itself, with backoff.</li>
 *   <li>{@code REJECT_COMMANDS} while disconnected: a command fails at once instead of being buffered until the
 *       reconnect, so callers (the fallback window store) decide locally without waiting.</li>
 *   <li>A command timeout: a Redis that accepts the connection but does not answer fails commands after
 *       {@code commandTimeout} instead of leaving futures pending.</li>
 *   <li>{@link #connect} waits a bounded time for the first connection, so a reachable Redis serves the first
 *       request. A first connect that fails is retried in the background every second (Lettuce's auto-reconnect only
 *       covers connections that were once up), so a gateway starts even while Redis is down and picks Redis up
 *       when it appears; until then {@link #async()} fails fast.</li>
 * </ul>
 */
public final class RedisConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisConnection.class);
    private static final long RETRY_CONNECT_MILLIS = 1000;

    private final RedisClient client;
    private final RedisURI uri;
    private final String redacted;
    private volatile StatefulRedisConnection<String, String> connection;
    private final AtomicBoolean connecting = new AtomicBoolean();
    private volatile boolean closed;

    private RedisConnection(RedisClient client, RedisURI uri, String redacted) {
        this.client = client;
        this.uri = uri;
        this.redacted = redacted;
    }

    /**
     * Connects to {@code url} ({@code redis://host:port[/db]}), waiting up to four command timeouts for the first
     * connection (call it at start-up, not on an event loop); never fails for an unreachable Redis (it keeps trying
     * in the background).
     */
    public static RedisConnection connect(String url, Duration commandTimeout) {
        requireNonNull(url, "url");
        requireNonNull(commandTimeout, "commandTimeout");
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("commandTimeout: " + commandTimeout + " (expected: > 0)");
        }
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(commandTimeout);
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout.multipliedBy(4)).build())
                .build());
        RedisConnection c = new RedisConnection(client, uri, uri.getHost() + ":" + uri.getPort());
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

    /** host:port, for logs and health (no credentials). */
    public String address() {
        return redacted;
    }

    @Override
    public void close() {
        closed = true;
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
