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
package dev.levee.gateway;

import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;
import dev.levee.gateway.config.LeveeConfig;
import dev.levee.gateway.upstream.UpstreamClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;

import java.util.AbstractList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What every feature is built from: the config, the shared Vert.x, time, metrics and upstream client, and the
 * features built before it ({@link #find}: how the read path takes the hot-spot feature's limiters and every Redis
 * user the store feature's connection). Features hand each other what they need here, at construction; at run time
 * a request's stages share only {@link dev.levee.gateway.chain.RequestState}.
 */
public final class GatewayContext {
    private final Vertx vertx;
    private final Supplier<LeveeConfig> config;
    private final Ticker ticker;
    private final Scheduler scheduler;
    private final PrometheusMeterRegistry registry;
    private final UpstreamClient upstream;
    private final List<?> built;

    /**
     * {@code config}: the config running now (a reload replaces it); {@code built}: a live read-only view of the
     * features built so far (all of them once the server is built).
     */
    public GatewayContext(Vertx vertx, Supplier<LeveeConfig> config, Ticker ticker, Scheduler scheduler,
                          PrometheusMeterRegistry registry, UpstreamClient upstream, List<?> built) {
        this.vertx = vertx;
        this.config = config;
        this.ticker = ticker;
        this.scheduler = scheduler;
        this.registry = registry;
        this.upstream = upstream;
        this.built = built;
    }

    public Vertx vertx() {
        return vertx;
    }

    /**
     * The config running now: at construction, the one the feature is built from; later, the last one a reload
     * applied ({@link GatewayFeature#reconfigure}), so what a feature reads per request is current.
     */
    public LeveeConfig config() {
        return config.get();
    }

    public Ticker ticker() {
        return ticker;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public UpstreamClient upstream() {
        return upstream;
    }

    /** The first feature of {@code type} built so far, if any. */
    public <T> Optional<T> find(Class<T> type) {
        return built.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** A live view of the features of {@code type}: those built so far, all of them once the server is built. */
    public <T> List<T> all(Class<T> type) {
        return new AbstractList<>() {
            @Override
            public T get(int index) {
                return built.stream().filter(type::isInstance).map(type::cast).skip(index).findFirst()
                        .orElseThrow(() -> new IndexOutOfBoundsException(index));
            }

            @Override
            public int size() {
                return (int) built.stream().filter(type::isInstance).count();
            }
        };
    }
}
