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
package dev.levee.gateway.config;

import dev.levee.core.time.Durations;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code events:} event ingestion with queue-depth backpressure.
 *
 * <p>Thresholds resolve in this order: an explicit {@code warning-threshold} / {@code critical-threshold} /
 * {@code recovery-threshold} (YAML, {@code LEVEE_EVENTS_*} or the legacy {@code QUEUE_*_THRESHOLD}), else the
 * {@code preset}'s value, else the prod-10k numbers (10,000 / 50,000 / 5,000). {@code enabled: false}
 * ({@code ENABLE_BACKPRESSURE=false}) turns the feature off: {@code POST /api/v1/events} is then proxied to the
 * upstream like any other path, as the original platform ingested events without backpressure.
 *
 * <p>Memory: the queue holds at most {@code capacity} events of at most {@code max-event-size} payload bytes each,
 * plus {@code dead-letter-capacity} dead letters.
 *
 * <p>Durability: with the in-memory queue ({@code store.type: memory}) every accepted event is also written to the
 * {@link Journal} before it is answered 202, and delivered after a restart if it was not delivered before. With
 * {@code store.type: redis} the queue is Redis Streams and the journal is not used.
 */
public record EventsConfig(boolean enabled, String preset, String sink, Integer warningThreshold,
                           Integer criticalThreshold, Integer recoveryThreshold, int capacity, Duration stablePeriod,
                           int defaultPriority, Map<String, Integer> priorities, int workers, int maxAttempts,
                           Duration backoffBase, Duration backoffMax, Duration deliveryTimeout, Duration agingStep,
                           int deadLetterCapacity, Duration drainGrace, Duration retryAfterMax, ByteSize maxBodySize,
                           int maxBatch, ByteSize maxEventSize, Journal journal) {

    /** The original platform's threshold presets (warning / critical / recovery). */
    public enum Preset {
        DEV("dev", 1_000, 5_000, 500),
        PROD_10K("prod-10k", 10_000, 50_000, 5_000),
        PROD_100K("prod-100k", 50_000, 200_000, 25_000);

        private final String id;
        private final int warning;
        private final int critical;
        private final int recovery;

        Preset(String id, int warning, int critical, int recovery) {
            this.id = id;
            this.warning = warning;
            this.critical = critical;
            this.recovery = recovery;
        }

        public String id() {
            return id;
        }

        public int warning() {
            return warning;
        }

        public int critical() {
            return critical;
        }

        public int recovery() {
            return recovery;
        }

        /** The preset named {@code id} ({@code dev}, {@code prod-10k}, {@code prod-100k}). */
        public static Preset of(String id) {
            for (Preset p : values()) {
                if (p.id.equalsIgnoreCase(id.trim())) {
                    return p;
                }
            }
            throw new ConfigException("preset: '" + id + "' (expected: one of " + ids() + ")");
        }

        public static List<String> ids() {
            return Arrays.stream(values()).map(Preset::id).toList();
        }
    }

    public EventsConfig {
        Preset p = preset == null || preset.isBlank() ? Preset.PROD_10K : Preset.of(preset);
        preset = preset == null || preset.isBlank() ? null : p.id();
        warningThreshold = Checks.positive("warning-threshold", warningThreshold == null ? p.warning() : warningThreshold);
        criticalThreshold = Checks.positive("critical-threshold",
                criticalThreshold == null ? p.critical() : criticalThreshold);
        recoveryThreshold = Checks.positive("recovery-threshold",
                recoveryThreshold == null ? p.recovery() : recoveryThreshold);
        if (!(recoveryThreshold < warningThreshold && warningThreshold < criticalThreshold)) {
            throw new ConfigException("thresholds: recovery " + recoveryThreshold + ", warning " + warningThreshold
                    + ", critical " + criticalThreshold + " (expected: recovery < warning < critical)");
        }
        if (recoveryThreshold > 3L * criticalThreshold / 5) {
            throw new ConfigException("recovery-threshold: " + recoveryThreshold + " (expected: <= 0.6 x critical = "
                    + 3L * criticalThreshold / 5 + ", where HALF_OPEN reopens)");
        }
        Checks.nonNegative("capacity", capacity); // 0 = 2 x critical-threshold
        if (capacity > 0 && capacity < criticalThreshold) {
            throw new ConfigException("capacity: " + capacity + " (expected: 0 or >= critical-threshold "
                    + criticalThreshold + ")");
        }
        Checks.nonNegative("stable-period", stablePeriod);
        Checks.inRange("default-priority", defaultPriority, 1, 10);
        priorities = priorities == null ? Map.of() : Map.copyOf(priorities);
        priorities.forEach((type, pr) -> Checks.inRange("priorities." + type, pr == null ? 0 : pr, 1, 10));
        if (enabled) {
            Checks.required("sink", sink);
            URI uri;
            try {
                uri = URI.create(sink);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("sink: '" + sink + "' (expected: an http:// URL)");
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new ConfigException("sink: '" + sink + "' (expected: an http:// or https:// URL with a host)");
            }
        }
        Checks.positive("workers", workers);
        Checks.positive("max-attempts", maxAttempts);
        Checks.positive("backoff-base", backoffBase);
        Checks.positive("backoff-max", backoffMax);
        if (backoffMax.compareTo(backoffBase) < 0) {
            throw new ConfigException("backoff-max: " + Durations.format(backoffMax) + " (expected: >= backoff-base "
                    + Durations.format(backoffBase) + ")");
        }
        Checks.positive("delivery-timeout", deliveryTimeout);
        Checks.positive("aging-step", agingStep);
        Checks.positive("dead-letter-capacity", deadLetterCapacity);
        Checks.nonNegative("drain-grace", drainGrace);
        Checks.positive("retry-after-max", retryAfterMax);
        if (retryAfterMax.toSeconds() < 1) {
            throw new ConfigException("retry-after-max: " + Durations.format(retryAfterMax) + " (expected: >= 1s)");
        }
        Checks.positive("max-body-size", Checks.required("max-body-size", maxBodySize).bytes());
        Checks.positive("max-batch", maxBatch);
        Checks.positive("max-event-size", Checks.required("max-event-size", maxEventSize).bytes());
        Checks.required("journal", journal);
    }

    /**
     * {@code events.journal:} the local append-only journal of the in-memory queue (see the core's
     * {@code EventJournal}).
     *
     * @param enabled false: accepted events live only in memory; on shutdown new events get 503 and what the sink
     *                did not take within {@code drain-grace} is lost (the count is logged)
     * @param dir     its directory (relative paths from the working directory); one gateway per directory
     * @param fsync   {@code always} (each event forced to disk before 202), {@code batch} (forced within 1 s;
     *                survives a process crash, a power loss may lose the last second), {@code never} (the OS decides)
     * @param maxSize bound of the journal on disk; when it is reached new events get 503 {@code journal_full}
     */
    public record Journal(boolean enabled, String dir, Fsync fsync, ByteSize maxSize) {
        public enum Fsync {
            always, batch, never
        }

        public Journal {
            if (enabled) {
                Checks.required("dir", dir);
                if (dir.isBlank()) {
                    throw new ConfigException("dir: '' (expected: a directory path)");
                }
            }
            Checks.required("fsync", fsync);
            long bytes = Checks.required("max-size", maxSize).bytes();
            if (bytes < 64 * 1024) {
                throw new ConfigException("max-size: " + bytes + " bytes (expected: >= 64KB)");
            }
        }
    }

    /** The hard capacity: {@code capacity}, or 2 x critical when unset. */
    public int effectiveCapacity() {
        return capacity > 0 ? capacity : (int) Math.min(Integer.MAX_VALUE, 2L * criticalThreshold);
    }

    /**
     * For the CLI's {@code --preset NAME}: the environment override that selects the preset (merge it into the
     * environment given to {@link ConfigLoader}, after the real environment so the flag wins). Explicit thresholds
     * still take precedence over the preset.
     *
     * @throws ConfigException naming the valid presets when {@code name} is not one
     */
    public static Map<String, String> presetOverride(String name) {
        Checks.required("preset", name);
        return Map.of("LEVEE_EVENTS_PRESET", Preset.of(name).id());
    }
}
