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
package dev.levee.core.internal;

import java.time.Duration;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * Argument checks shared by every builder in Levee, so bad values are refused the same way everywhere: an
 * {@link IllegalArgumentException} naming the argument and the value, {@code "maxWait: PT0S (expected: > 0)"};
 * and a required argument never set fails {@code build()} the same way in every builder, with an
 * {@link IllegalStateException} naming it and what to pass: {@code "scheduler: missing (expected: a Scheduler,
 * e.g. Scheduler.system(\"levee\"))"}.
 * Internal (see the package notes): not part of Levee's API.
 */
public final class Arguments {
    private Arguments() {}

    /** The {@code expected} text for a missing scheduler, the argument most builders require. */
    public static final String A_SCHEDULER = "a Scheduler, e.g. Scheduler.system(\"levee\")";

    /**
     * {@code value}, or an {@link IllegalStateException} {@code "name: missing (expected: ...)"} when a required
     * builder argument was never set. Called by {@code build()}: a setter given null fails at once with a
     * {@link NullPointerException} instead.
     */
    public static <T> T required(String name, @Nullable T value, String expected) {
        if (value == null) {
            throw new IllegalStateException(name + ": missing (expected: " + expected + ")");
        }
        return value;
    }

    public static int positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
        return value;
    }

    public static long positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
        return value;
    }

    public static Duration positive(String name, Duration value) {
        return positive(name, value, Duration::toString);
    }

    /** {@link #positive(String, Duration)} with the value shown as {@code shown} writes it (config: {@code 5s}). */
    public static Duration positive(String name, Duration value, Function<? super Duration, String> shown) {
        requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + shown.apply(value) + " (expected: > 0)");
        }
        return value;
    }

    public static int nonNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
        }
        return value;
    }

    public static long nonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
        }
        return value;
    }

    public static Duration nonNegative(String name, Duration value) {
        return nonNegative(name, value, Duration::toString);
    }

    /** {@link #nonNegative(String, Duration)} with the value shown as {@code shown} writes it. */
    public static Duration nonNegative(String name, Duration value, Function<? super Duration, String> shown) {
        requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + ": " + shown.apply(value) + " (expected: >= 0)");
        }
        return value;
    }

    /** {@code value}, or {@code "name: 7 (expected: >= 10)"}. */
    public static int atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + min + ")");
        }
        return value;
    }

    public static long atLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + min + ")");
        }
        return value;
    }

    /** {@code value}, or {@code "name: 0 (expected: 1..100)"}. */
    public static int inRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + ".." + max + ")");
        }
        return value;
    }

    /** {@code value}, or {@code "name: 1.5 (expected: > 0 and <= 1)"}. */
    public static double fraction(String name, double value) {
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0 and <= 1)");
        }
        return value;
    }

    /** {@code value}, or {@code "name: PT0.0001S (expected: >= 1ms)"}: for times sent to Redis in milliseconds. */
    public static Duration atLeastMillisecond(String name, Duration value) {
        requireNonNull(value, name);
        if (value.isNegative() || value.toMillis() == 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1ms)");
        }
        return value;
    }
}
