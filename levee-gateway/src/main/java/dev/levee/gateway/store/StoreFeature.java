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
package dev.levee.gateway.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.levee.gateway.GatewayContext;
import dev.levee.gateway.GatewayFeature;
import dev.levee.gateway.config.StoreConfig;
import dev.levee.gateway.ops.HealthReport;
import dev.levee.gateway.ops.HealthStatus;
import dev.levee.redis.Durability;
import dev.levee.redis.RedisConnection;
import dev.levee.redis.RedisSecurity;
import dev.levee.redis.coalesce.FlightCoordinatorStats;
import dev.levee.redis.coalesce.RedisFlightCoordinator;
import dev.levee.redis.events.RedisEventQueue;
import dev.levee.redis.hotspot.FallbackWindowStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Where shared state lives ({@code store:}): in memory (one instance, the default) or in Redis (several instances
 * share the hot-spot windows, the event queue, the read path's cache tier and coalescing). Owns the one Redis connection of the process and reports it: the {@code store}
 * section of {@code /health} (DEGRADED while any shared structure runs on its local fallback) and the metrics
 * {@code levee_store_redis_up} (1 while connected and deciding in Redis) and
 * {@code levee_store_fallback_decisions_total} (window decisions and read-path flights made locally), and
 * {@code levee_store_flights_total{outcome}} for the read path's shared flights.
 *
 * <p>Policy per feature while Redis is unreachable (never allow everything, never fail a request for a store
 * error, reconnect by itself):
 * <ul>
 *   <li><b>hot-spot windows</b>: decided by a local in-memory window at {@code max(1, limit /
 *       store.redis.expected-instances)} per instance ({@link FallbackWindowStore}), counting this instance's
 *       recent Redis grants; back to Redis with the first decision that succeeds after the reconnect (one probe
 *       per 500 ms while the connection is up but failing), keeping to the local share as well for one window
 *       after the switch (Redis does not know the calls granted locally meanwhile).</li>
 *   <li><b>event queue</b> (Redis Streams, {@link EventQueues}): an event that cannot be written is refused with
 *       503 and Retry-After (never accepted and then lost); workers pause until Redis answers; an ack that could
 *       not be written means the event is delivered again later (at-least-once).</li>
 *   <li><b>read path</b> (cross-instance coalescing and the shared cache tier, {@link FlightCoordinators}): flights
 *       run locally (per-instance coalescing and cache, as with {@code memory}), each counted as a fallback
 *       decision; back to Redis with the first command that succeeds. Never fails a request for Redis.</li>
 * </ul>
 *
 * <p>Health never waits for Redis: every figure is a field kept by a background task or by the last command. The
 * section also shows {@code durability} ({@code none | aof | replicated | unknown}, read from Redis at start and
 * after every reconnect; with an event queue and {@code none} a {@code durability_warning}), and with an event
 * queue the age of its last counts read ({@code event_counts_age_ms}): older than {@link #staleAfterNanos}
 * (Redis connected but not answering, e.g. frozen) makes the section DEGRADED.
 *
 * <p>Listed first in {@code Features.all()} so later features find it with {@link GatewayContext#find};
 * {@link WindowStores#forConfig} creates a private one when it is missing (tests with a feature subset).
 */
public final class StoreFeature implements GatewayFeature {

    private final StoreConfig config;
    private final RedisConnection redis;
    private final List<FallbackWindowStore> windowStores = new CopyOnWriteArrayList<>();
    private final List<RedisFlightCoordinator<?>> coordinators = new CopyOnWriteArrayList<>();
    private final List<RedisEventQueue> eventQueues = new CopyOnWriteArrayList<>();
    // the gateway closes features in list order, this one first: the connection closes when the last user let go
    private int users;
    private boolean closeRequested;
    private boolean connectionClosed;

    public StoreFeature(GatewayContext gw) {
        this.config = gw.config().store();
        if (config.type() == StoreConfig.Type.redis) {
            redis = connect(config.redis());
            Gauge.builder("levee.store.redis.up", this, s -> s.redisUp() ? 1 : 0)
                    .description("1 while Redis is connected and shared decisions are made there, else 0")
                    .register(gw.registry());
            FunctionCounter.builder("levee.store.fallback.decisions", this, StoreFeature::fallbackDecisions)
                    .description("Decisions made by a local fallback because Redis was unreachable")
                    .register(gw.registry());
            bindFlights(gw, "shared_hit", FlightCoordinatorStats::sharedHits);
            bindFlights(gw, "led", FlightCoordinatorStats::led);
            bindFlights(gw, "joined", FlightCoordinatorStats::joined);
            bindFlights(gw, "takeover", FlightCoordinatorStats::takeovers);
            bindFlights(gw, "fallback", FlightCoordinatorStats::fallbacks);
        } else {
            redis = null;
        }
    }

    private void bindFlights(GatewayContext gw, String outcome, ToLongFunction<FlightCoordinatorStats> figure) {
        FunctionCounter.builder("levee.store.flights", this, f -> {
                    long n = 0;
                    for (RedisFlightCoordinator<?> c : f.coordinators) {
                        n += figure.applyAsLong(c.stats());
                    }
                    return n;
                })
                .description("Read-path flights on the shared store by outcome: answered from the shared cache "
                        + "tier, led (fetched and published), joined another instance's flight, took over from a "
                        + "vanished holder, run locally because Redis was unreachable")
                .tag("outcome", outcome)
                .register(gw.registry());
    }

    /**
     * A connection as {@code store.redis} says: to {@code url} (standalone, or the primary Sentinel names), or to
     * the cluster of {@code nodes}.
     */
    static RedisConnection connect(StoreConfig.Redis redis) {
        String ca = redis.tls().caFile();
        RedisSecurity security = RedisSecurity.of(redis.username(), redis.password(), ca == null ? null : Path.of(ca));
        return redis.mode() == StoreConfig.Mode.cluster
                ? RedisConnection.connectCluster(redis.nodes(), redis.commandTimeout(), security)
                : RedisConnection.connect(redis.url(), redis.commandTimeout(), security);
    }

    /** The registered store feature of {@code gw}, or null. */
    static StoreFeature registered(GatewayContext gw) {
        return gw.find(StoreFeature.class).orElse(null);
    }

    @Override
    public String name() {
        return "store";
    }

    public StoreConfig config() {
        return config;
    }

    /** The shared connection (null with {@code type: memory}). */
    public RedisConnection redis() {
        return redis;
    }

    void track(FallbackWindowStore store) {
        windowStores.add(store);
    }

    void untrack(FallbackWindowStore store) {
        windowStores.remove(store);
    }

    void track(RedisEventQueue queue) {
        eventQueues.add(queue);
    }

    void untrack(RedisEventQueue queue) {
        eventQueues.remove(queue);
    }

    /** Event counts older than this are stale: two polls (200 ms each) and two command timeouts. */
    private long staleAfterNanos() {
        return TimeUnit.MILLISECONDS.toNanos(400) + config.redis().commandTimeout().multipliedBy(2).toNanos();
    }

    void track(RedisFlightCoordinator<?> coordinator) {
        coordinators.add(coordinator);
    }

    void untrack(RedisFlightCoordinator<?> coordinator) {
        coordinators.remove(coordinator);
    }

    private boolean coalescingUp() {
        for (RedisFlightCoordinator<?> c : coordinators) {
            if (!c.sharedUp()) {
                return false;
            }
        }
        return true;
    }

    /** A structure starts using the connection; it calls {@link #release} when closed. */
    synchronized void retain() {
        users++;
    }

    synchronized void release() {
        users--;
        closeIfUnused();
    }

    private synchronized void closeIfUnused() {
        if (closeRequested && users <= 0 && !connectionClosed && redis != null) {
            connectionClosed = true;
            redis.close();
        }
    }

    /** True while connected and no shared structure is on its fallback. */
    public boolean redisUp() {
        if (redis == null || !redis.isConnected()) {
            return false;
        }
        for (FallbackWindowStore s : windowStores) {
            if (!s.sharedUp()) {
                return false;
            }
        }
        return coalescingUp();
    }

    /** Window decisions and read-path flights made locally because Redis was unreachable. */
    public long fallbackDecisions() {
        long n = 0;
        for (FallbackWindowStore s : windowStores) {
            n += s.fallbackDecisions();
        }
        for (RedisFlightCoordinator<?> c : coordinators) {
            n += c.fallbacks();
        }
        return n;
    }

    /**
     * True while the hot-spot windows are decided in Redis; false on their local fallback (Redis unreachable) and
     * with {@code type: memory}.
     */
    public boolean windowsShared() {
        return redis != null && redis.isConnected()
                && windowStores.stream().allMatch(FallbackWindowStore::sharedUp);
    }

    @Override
    public HealthReport health() {
        if (redis == null) {
            return HealthReport.up(new Memory(config.type().name()));
        }
        boolean up = redisUp();
        // why Redis is not used: a cluster node behind mode standalone, or the last failed connect while down
        String error = redis.misconfiguration();
        if (error != null) {
            up = false;
        } else if (!redis.isConnected()) {
            error = redis.lastError();
        }
        Durability durability = redis.durability();
        EventQueue queue = null;
        if (!eventQueues.isEmpty()) {
            long age = -1;
            for (RedisEventQueue q : eventQueues) {
                age = Math.max(age, q.countsAgeNanos());
            }
            queue = new EventQueue(durability == Durability.NONE ? "Redis has neither AOF nor a connected replica: "
                    + "a Redis restart loses every queued event" : null,
                    age < 0 ? null : TimeUnit.NANOSECONDS.toMillis(age));
            if (age > staleAfterNanos()) {
                up = false; // connected, but the last poll is old: Redis does not answer
            }
        }
        String coalescing = null;
        Flights flights = null;
        if (!coordinators.isEmpty()) {
            coalescing = coalescingUp() ? "redis" : "local fallback (per instance)";
            long hits = 0, led = 0, joined = 0, takeovers = 0, fallbacks = 0;
            for (RedisFlightCoordinator<?> c : coordinators) {
                FlightCoordinatorStats s = c.stats();
                hits += s.sharedHits();
                led += s.led();
                joined += s.joined();
                takeovers += s.takeovers();
                fallbacks += s.fallbacks();
            }
            flights = new Flights(hits, led, joined, takeovers, fallbacks);
        }
        Redis details = new Redis(config.type().name(), config.redis().mode().name(), redis.address(),
                redis.isConnected(), error, durability.label(),
                queue, config.redis().expectedInstances(), fallbackDecisions(),
                windowsShared() ? "redis" : "local fallback (limit / " + config.redis().expectedInstances() + ")",
                coalescing, flights);
        return new HealthReport(up ? HealthStatus.UP : HealthStatus.DEGRADED, details);
    }

    /** The {@code store} section with {@code type: memory}: nothing is shared. */
    record Memory(String type) {}

    /**
     * The {@code store} section with {@code type: redis}: where each shared structure decides right now ({@code
     * "redis"} or its local fallback), the connection and what Redis would keep over a restart.
     */
    record Redis(String type, String mode, String redis, boolean connected,
                 @JsonInclude(JsonInclude.Include.NON_NULL) String error, String durability,
                 @JsonUnwrapped EventQueue eventQueue, int expectedInstances, long fallbackDecisions,
                 String hotSpotWindows, @JsonInclude(JsonInclude.Include.NON_NULL) String coalescingAndCache,
                 @JsonInclude(JsonInclude.Include.NON_NULL) Flights flights) {}

    /**
     * Fields present only with a Redis event queue: the warning when Redis would lose the queue over a restart,
     * and the age of the last counts read (null before the first read).
     */
    record EventQueue(@JsonInclude(JsonInclude.Include.NON_NULL) String durabilityWarning, Long eventCountsAgeMs) {}

    /** The read path's flights on the shared store, all coordinators together. */
    record Flights(long sharedCacheHits, long flightsLed, long flightsJoined, long takeovers, long localFallbacks) {}

    @Override
    public synchronized void close() {
        closeRequested = true;
        closeIfUnused();
    }
}
