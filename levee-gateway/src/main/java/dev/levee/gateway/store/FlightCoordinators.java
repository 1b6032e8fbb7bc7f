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

import dev.levee.core.coalesce.FlightCoordinator;
import dev.levee.gateway.GatewayContext;
import dev.levee.gateway.config.StoreConfig;
import dev.levee.redis.coalesce.RedisFlightCoordinator;
import dev.levee.redis.coalesce.ValueCodec;

import java.time.Duration;

/**
 * The read path's {@link FlightCoordinator} for {@code store.type}: local for {@code memory}; for {@code redis} a
 * {@link RedisFlightCoordinator} on the {@link StoreFeature}'s connection, which coalesces leaders of every
 * instance (one upstream call per cold key) and holds the shared cache tier.
 *
 * <p>Policy while Redis is unreachable: flights run locally (local coalescing and the local cache go on as with
 * {@code memory}); each such flight counts in {@code levee_store_fallback_decisions_total}, and the {@code store}
 * health section is DEGRADED until a Redis command succeeds again. No request fails because Redis is down.
 */
public final class FlightCoordinators {
    /** A holder's lock lease: upstream timeout times this (a fetch cannot legitimately take longer). */
    static final int LEASE_PER_TIMEOUT = 2;
    static final Duration RECHECK = Duration.ofMillis(250);

    private FlightCoordinators() {}

    /** A coordinator and what closes it (never the shared connection of a registered store feature). */
    public record Shared<V>(FlightCoordinator<String, V> coordinator, AutoCloseable closer) {}

    public static <V> Shared<V> forConfig(GatewayContext gw, ValueCodec<V> codec) {
        StoreConfig config = gw.config().store();
        if (config.type() == StoreConfig.Type.memory) {
            return new Shared<>(FlightCoordinator.local(), () -> {});
        }
        StoreFeature registered = StoreFeature.registered(gw);
        StoreFeature feature = registered != null ? registered : new StoreFeature(gw);
        Duration timeout = gw.config().upstream().timeout();
        Duration lease = timeout.multipliedBy(LEASE_PER_TIMEOUT);
        RedisFlightCoordinator<V> coordinator = RedisFlightCoordinator.builder(feature.redis(), codec)
                .prefix(RedisFlightCoordinator.DEFAULT_PREFIX)
                .lease(lease)
                .resultTtl(lease)
                .recheck(RECHECK)
                .ticker(gw.ticker())
                .scheduler(gw.scheduler())
                .build();
        feature.track(coordinator);
        feature.retain();
        if (registered == null) {
            feature.close(); // a private one: its connection closes when this coordinator does
        }
        return new Shared<>(coordinator, () -> {
            feature.untrack(coordinator);
            coordinator.close();
            feature.release();
        });
    }
}
