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

import dev.levee.core.time.Ticker;
import dev.levee.gateway.config.ConfigChanges;
import dev.levee.gateway.config.ConfigException;
import dev.levee.gateway.config.ConfigIdentity;
import dev.levee.gateway.config.LeveeConfig;
import dev.levee.gateway.upstream.UpstreamClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/**
 * The config the gateway runs, and its reload: one {@code volatile} {@link Generation} that the request chain reads
 * once per request (the route match stage puts it on the request's state), so a request sees one config from end
 * to end. A reload loads and validates the new file; an invalid one is rejected whole (the old config keeps
 * running, every error logged with its key and value, {@code levee_config_reload_failures_total} +1); a valid one
 * goes to the upstream client and every feature ({@link GatewayFeature#reconfigure}), then becomes the generation
 * new requests read. Reloads run one at a time, on the caller's thread (never an event loop: loading reads a file).
 */
final class ConfigReloader {
    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

    /** The config running now, its identity, and how many configs ran before it plus one. */
    record Generation(LeveeConfig config, ConfigIdentity identity, long number) {}

    private final ReentrantLock lock = new ReentrantLock();
    private final Ticker ticker;
    private final UpstreamClient upstream;
    private final Counter failures;
    private volatile Generation current;
    private List<GatewayFeature> features = List.of();
    private volatile @Nullable Callable<LeveeConfig> source;

    ConfigReloader(LeveeConfig config, Ticker ticker, UpstreamClient upstream, MeterRegistry registry) {
        this.ticker = ticker;
        this.upstream = upstream;
        this.current = new Generation(config, ConfigIdentity.of(config, ticker.epochMillis()), 1);
        Gauge.builder("levee.config.generation", this, r -> r.current.number())
                .description("The config generation running: 1 at start-up, +1 per applied reload")
                .register(registry);
        this.failures = Counter.builder("levee.config.reload.failures")
                .description("Config reloads rejected because the new config was invalid or could not be read")
                .register(registry);
    }

    /** The features to reconfigure, once they are built. */
    void features(List<GatewayFeature> features) {
        this.features = List.copyOf(features);
    }

    /** Where {@link #reload()} reads the new config: the {@code --config} file with the environment overrides. */
    void source(Callable<LeveeConfig> source) {
        this.source = requireNonNull(source, "source");
    }

    Generation current() {
        return current;
    }

    LeveeConfig config() {
        return current.config();
    }

    /** Reads the config from the {@link #source} and applies it. */
    ReloadResult reload() {
        Callable<LeveeConfig> from = source;
        if (from == null) {
            return reject(List.of("reload: no config source (expected: the gateway started with a config file)"));
        }
        LeveeConfig next;
        try {
            next = from.call();
        } catch (ConfigException e) {
            return reject(e.errors());
        } catch (Exception e) { // an unreadable file is a ConfigException too; anything else still must not stop us
            return reject(List.of("reload: " + e));
        }
        return apply(next);
    }

    /** Applies {@code next} (validated already: a {@link LeveeConfig} is). */
    ReloadResult apply(LeveeConfig next) {
        requireNonNull(next, "next");
        lock.lock();
        try {
            Generation running = current;
            ConfigChanges changes = ConfigChanges.between(running.config(), next);
            Set<String> needsRestart = new LinkedHashSet<>(changes.needsRestart());
            if (!needsRestart.isEmpty()) {
                log.warn("config reload: {} cannot change while the gateway runs (restart to apply them); "
                        + "their old values keep running", needsRestart);
            }
            LeveeConfig applied = changes.applied();
            if (applied.equals(running.config())) {
                log.info("config reload: nothing to apply (generation {}, hash {})", running.number(),
                        running.identity().hash());
                return new ReloadResult(ReloadResult.UNCHANGED, running.number(), running.identity().hash(),
                        changes.changed(), List.copyOf(needsRestart), List.of());
            }
            LeveeConfig old = running.config();
            List<String> errors = new ArrayList<>();
            try {
                // in-flight exchanges get the longest an upstream call may take, and some, before their cluster closes
                upstream.reconfigure(applied.upstreamClusters(), ConfigChanges.retireAfter(old));
            } catch (RuntimeException e) {
                log.error("config reload: the upstreams could not be rebuilt", e);
                errors.add("upstreams: " + e.getMessage());
            }
            for (GatewayFeature f : features) {
                try {
                    needsRestart.addAll(f.reconfigure(old, applied));
                } catch (RuntimeException e) {
                    log.error("config reload: feature {} could not apply the new config", f.name(), e);
                    errors.add(f.name() + ": " + e.getMessage());
                }
            }
            Generation next1 = new Generation(applied, ConfigIdentity.of(applied, ticker.epochMillis()),
                    running.number() + 1);
            current = next1; // from here on new requests read it
            log.info("config reload: generation {} (hash {}) runs; changed {}", next1.number(),
                    next1.identity().hash(), changes.changed());
            return new ReloadResult(ReloadResult.RELOADED, next1.number(), next1.identity().hash(), changes.changed(),
                    List.copyOf(needsRestart), errors);
        } finally {
            lock.unlock();
        }
    }

    private ReloadResult reject(List<String> errors) {
        failures.increment();
        Generation running = current;
        for (String e : errors) {
            log.error("config reload rejected, generation {} keeps running: {}", running.number(), e);
        }
        return new ReloadResult(ReloadResult.REJECTED, running.number(), running.identity().hash(), List.of(),
                List.of(), errors);
    }
}
