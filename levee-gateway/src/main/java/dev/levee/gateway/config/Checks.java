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

import java.time.Duration;

/**
 * Validation helpers for config records. Messages name the key (relative to its section; the loader prefixes
 * the section path) and the value, in the form {@code "max-concurrent: 0 (expected: > 0)"}.
 */
public final class Checks {
    private Checks() {}

    public static int positive(String key, int value) {
        if (value <= 0) {
            throw new ConfigException(key + ": " + value + " (expected: > 0)");
        }
        return value;
    }

    public static long positive(String key, long value) {
        if (value <= 0) {
            throw new ConfigException(key + ": " + value + " (expected: > 0)");
        }
        return value;
    }

    public static int nonNegative(String key, int value) {
        if (value < 0) {
            throw new ConfigException(key + ": " + value + " (expected: >= 0)");
        }
        return value;
    }

    public static int inRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ConfigException(key + ": " + value + " (expected: " + min + ".." + max + ")");
        }
        return value;
    }

    public static double fraction(String key, double value) {
        if (!(value > 0 && value <= 1)) {
            throw new ConfigException(key + ": " + value + " (expected: > 0 and <= 1)");
        }
        return value;
    }

    public static Duration positive(String key, Duration value) {
        if (value == null) {
            throw new ConfigException(key + ": missing (expected: a duration such as 5s)");
        }
        if (value.isNegative() || value.isZero()) {
            throw new ConfigException(key + ": " + Durations.format(value) + " (expected: > 0)");
        }
        return value;
    }

    public static Duration nonNegative(String key, Duration value) {
        if (value == null) {
            throw new ConfigException(key + ": missing (expected: a duration such as 5s)");
        }
        if (value.isNegative()) {
            throw new ConfigException(key + ": " + Durations.format(value) + " (expected: >= 0)");
        }
        return value;
    }

    public static <T> T required(String key, T value) {
        if (value == null) {
            throw new ConfigException(key + ": missing (expected: a value)");
        }
        return value;
    }
}
