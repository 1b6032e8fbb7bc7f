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

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * Which config a gateway runs, as {@code /health} shows it: its {@link EffectiveConfig#hash(LeveeConfig) hash} (what
 * {@code levee validate} prints for the same file and environment) and when it was loaded.
 *
 * @param hash     the first 12 hex digits of the SHA-256 of the canonical config, secrets redacted
 * @param loadedAt when the gateway took this config, ISO-8601 UTC
 */
public record ConfigIdentity(String hash, String loadedAt) {
    public ConfigIdentity {
        requireNonNull(hash, "hash");
        requireNonNull(loadedAt, "loadedAt");
    }

    /** The identity of {@code config}, loaded at {@code epochMillis} (from the gateway's ticker). */
    public static ConfigIdentity of(LeveeConfig config, long epochMillis) {
        return new ConfigIdentity(EffectiveConfig.hash(config), Instant.ofEpochMilli(epochMillis).toString());
    }
}
