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
import dev.levee.core.internal.Arguments;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Validation helpers for config records: the checks of {@link Arguments} (one implementation for every builder and
 * config section), failing with a {@link ConfigException} instead. Messages name the key (relative to its section;
 * the loader prefixes the section path) and the value as the config writes it, in the form
 * {@code "max-concurrent: 0 (expected: > 0)"} or {@code "timeout: 0s (expected: > 0)"}.
 */
public final class Checks {
    private Checks() {}

    public static int positive(String key, int value) {
        return check(key, value, () -> Arguments.positive(key, value));
    }

    public static long positive(String key, long value) {
        return check(key, value, () -> Arguments.positive(key, value));
    }

    public static int nonNegative(String key, int value) {
        return check(key, value, () -> Arguments.nonNegative(key, value));
    }

    public static long nonNegative(String key, long value) {
        return check(key, value, () -> Arguments.nonNegative(key, value));
    }

    public static int inRange(String key, int value, int min, int max) {
        return check(key, value, () -> Arguments.inRange(key, value, min, max));
    }

    public static double fraction(String key, double value) {
        return check(key, value, () -> Arguments.fraction(key, value));
    }

    public static Duration positive(String key, Duration value) {
        return check(key, value, () -> Arguments.positive(key, present(key, value), Durations::format));
    }

    public static Duration nonNegative(String key, Duration value) {
        return check(key, value, () -> Arguments.nonNegative(key, present(key, value), Durations::format));
    }

    public static <T> T required(String key, T value) {
        return check(key, value, () -> Arguments.required(key, value, "a value"));
    }

    private static Duration present(String key, Duration value) {
        return Arguments.required(key, value, "a duration such as 5s");
    }

    /**
     * Runs an {@link Arguments} check; its refusal becomes a config error with the same message. While a
     * {@link ConfigLoader} load collects its errors ({@link ConfigErrors}), the refusal is recorded and the value given
     * back, so that the constructor goes on and reports its other keys too.
     */
    private static <T> T check(String key, T value, Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            String message = String.valueOf(e.getMessage()); // Arguments always gives one
            ConfigErrors errors = ConfigErrors.current();
            if (errors == null) {
                throw new ConfigException(message);
            }
            errors.add(key, message);
            return value;
        }
    }
}
