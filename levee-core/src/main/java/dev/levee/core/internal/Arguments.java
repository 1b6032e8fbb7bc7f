package dev.levee.core.internal;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Argument checks shared by every builder in Levee, so bad values are refused the same way everywhere: an
 * {@link IllegalArgumentException} naming the argument and the value, {@code "maxWait: PT0S (expected: > 0)"}.
 * Internal (see the package notes): not part of Levee's API.
 */
public final class Arguments {
    private Arguments() {}

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
        requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
        return value;
    }
}
