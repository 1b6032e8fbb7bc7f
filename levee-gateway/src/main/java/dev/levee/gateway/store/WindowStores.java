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

import dev.levee.core.hotspot.WindowStore;
import dev.levee.gateway.GatewayContext;
import dev.levee.gateway.config.StoreConfig;
import dev.levee.redis.hotspot.FallbackWindowStore;
import dev.levee.redis.hotspot.RedisWindowStore;

import java.time.Duration;

/** The hot-spot {@link WindowStore} for {@code store.type}: in memory, or Redis with a local fallback. */
public final class WindowStores {
    static final Duration PROBE_EVERY = Duration.ofMillis(500);

    private WindowStores() {}

    /**
     * {@code memory}: {@code WindowStore.inMemory(maxKeys)}. {@code redis}: a {@link RedisWindowStore} on the
     * {@link StoreFeature}'s connection behind a {@link FallbackWindowStore} (local windows of {@code maxKeys} keys
     * at {@code limit / expected-instances}). Closing the returned store never closes a registered store feature's
     * connection.
     */
    public static WindowStore forConfig(GatewayContext gw, int maxKeys) {
        StoreConfig config = gw.config().store();
        if (config.type() == StoreConfig.Type.memory) {
            return WindowStore.inMemory(maxKeys);
        }
        StoreFeature registered = StoreFeature.registered(gw);
        StoreFeature feature = registered != null ? registered : new StoreFeature(gw);
        RedisWindowStore redis = RedisWindowStore.create(feature.redis(), RedisWindowStore.DEFAULT_PREFIX,
                config.redis().callLease());
        FallbackWindowStore store = new FallbackWindowStore(redis, WindowStore.inMemory(maxKeys),
                config.redis().expectedInstances(), feature.redis()::isConnected, PROBE_EVERY);
        feature.track(store);
        feature.retain();
        if (registered == null) {
            feature.close(); // a private one: its connection closes when this store does
        }
        return store.onClose(() -> {
            feature.untrack(store);
            feature.release();
        });
    }
}
