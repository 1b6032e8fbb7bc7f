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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code admission:} priority admission and load shedding. {@code retry-after} set makes Retry-After fixed;
 * unset, it is computed from each class's measured drain rate, capped by {@code retry-after-max}.
 *
 * <p>{@code classes} lists the priority classes, highest first. A request gets the first class whose
 * {@code when} matches its verified token's claims; exactly one class has no {@code when}: the fallback for
 * requests without a token and for tokens no rule matches. Each class may override {@code queue-capacity}.
 * <pre>
 * classes:
 *   - { name: agent,         when: { claim: role, equals: agent } }
 *   - { name: active_bettor, when: { claim: recent_bet_count, greater-than: 0 } }
 *   - { name: browser }
 * </pre>
 *
 * <p>{@code max-concurrent} is a number (a static limit) or {@code auto}: an adaptive limit that finds the
 * upstream's capacity from the latency of the requests that reached it (see
 * {@link dev.levee.core.admission.AdaptiveLimit}), within the optional {@code adaptive: { min, max, initial }}.
 */
public record AdmissionConfig(boolean enabled, MaxConcurrent maxConcurrent, AdaptiveConfig adaptive, int queueCapacity,
                              Duration maxWait, Duration retryAfter, Duration retryAfterMax, List<ClassConfig> classes) {
    /** Class names become metric labels: short, lower case, bounded in number. */
    static final Pattern CLASS_NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    static final int MAX_CLASSES = 16;

    public AdmissionConfig {
        Checks.required("max-concurrent", maxConcurrent);
        if (adaptive == null) {
            adaptive = new AdaptiveConfig(null, null, null);
        }
        if (!maxConcurrent.auto() && adaptive.isSet()) {
            throw new ConfigException("adaptive: " + adaptive + " (expected: only with max-concurrent: auto; "
                    + "max-concurrent is " + maxConcurrent + ")");
        }
        Checks.positive("queue-capacity", queueCapacity);
        Checks.positive("max-wait", maxWait);
        if (retryAfter != null) {
            Checks.positive("retry-after", retryAfter);
        }
        Checks.positive("retry-after-max", retryAfterMax);
        if (classes == null || classes.isEmpty()) {
            throw new ConfigException("classes: empty (expected: at least one class, highest priority first)");
        }
        if (classes.size() > MAX_CLASSES) {
            throw new ConfigException("classes: " + classes.size() + " classes (expected: at most " + MAX_CLASSES
                    + ")");
        }
        classes = List.copyOf(classes);
        Set<String> seen = new HashSet<>();
        List<String> fallbacks = new ArrayList<>();
        for (int i = 0; i < classes.size(); i++) {
            ClassConfig c = classes.get(i);
            if (c == null) {
                throw new ConfigException("classes[" + i + "]: empty (expected: a mapping with at least 'name')");
            }
            if (!seen.add(c.name())) {
                throw new ConfigException("classes[" + i + "].name: " + c.name() + " (expected: each class once)");
            }
            if (c.when() == null) {
                fallbacks.add(c.name());
            } else if (c.when().operators() != 1) {
                throw new ConfigException("classes[" + i + "].when: " + c.when().operators() + " operators (expected: "
                        + "exactly one of equals, greater-than, contains)");
            }
        }
        if (fallbacks.size() != 1) {
            throw new ConfigException("classes: " + (fallbacks.isEmpty() ? "no class" : fallbacks.size()
                    + " classes " + fallbacks) + " without 'when' (expected: exactly one fallback class, for "
                    + "requests without a token)");
        }
    }

    /** {@code max-concurrent}: a static limit ({@code value > 0}) or {@code auto} (value 0). */
    public record MaxConcurrent(int value) {
        public static final MaxConcurrent AUTO = new MaxConcurrent(0);

        public MaxConcurrent {
            Checks.nonNegative("max-concurrent", value);
        }

        public boolean auto() {
            return value == 0;
        }

        @Override
        public String toString() {
            return auto() ? "auto" : Integer.toString(value);
        }
    }

    /**
     * {@code admission.adaptive}: bounds of the adaptive limit; each unset one takes the core default (min 8,
     * max 1000, initial 50 within them), which need no tuning.
     */
    public record AdaptiveConfig(@Nullable Integer min, @Nullable Integer max, @Nullable Integer initial) {
        public AdaptiveConfig {
            if (min != null) {
                Checks.positive("min", min);
            }
            if (max != null) {
                Checks.positive("max", max);
            }
            if (initial != null) {
                Checks.positive("initial", initial);
            }
            if (min != null && max != null && min > max) {
                throw new ConfigException("min: " + min + " (expected: <= max " + max + ")");
            }
            if (initial != null && ((min != null && initial < min) || (max != null && initial > max))) {
                throw new ConfigException("initial: " + initial + " (expected: between min and max)");
            }
        }

        boolean isSet() {
            return min != null || max != null || initial != null;
        }

        @Override
        public String toString() {
            return "{ min: " + (min == null ? "~" : min) + ", max: " + (max == null ? "~" : max) + ", initial: "
                    + (initial == null ? "~" : initial) + " }";
        }
    }

    /** The class of requests without a token (the one without {@code when}). */
    public String fallbackClass() {
        return classes.stream().filter(c -> c.when() == null).findFirst().orElseThrow().name();
    }

    /** {@code admission.classes[i]}: a priority class; {@code queue-capacity} unset = the section's. */
    public record ClassConfig(String name, Integer queueCapacity, Rule when) {
        public ClassConfig {
            Checks.required("name", name);
            if (!CLASS_NAME.matcher(name).matches()) {
                throw new ConfigException("name: '" + name + "' (expected: lower case letters, digits and _, "
                        + "starting with a letter, at most 32)");
            }
            if (queueCapacity != null) {
                Checks.positive("queue-capacity", queueCapacity);
            }
        }
    }

    /**
     * {@code when:} a condition on one claim of the verified token, with exactly one operator:
     * {@code equals} (same JSON type and value), {@code greater-than} (a number claim above it) or
     * {@code contains} (a list claim holding that string). A missing or ill-typed claim does not match.
     */
    public record Rule(String claim, Object equals, Double greaterThan, String contains) {
        public Rule {
            Checks.required("claim", claim);
            if (claim.isBlank()) {
                throw new ConfigException("claim: '' (expected: a claim name such as role)");
            }
            if (equals != null && !(equals instanceof String || equals instanceof Number
                    || equals instanceof Boolean)) {
                throw new ConfigException("equals: " + equals + " (expected: a string, number or boolean)");
            }
        }

        int operators() {
            return (equals != null ? 1 : 0) + (greaterThan != null ? 1 : 0) + (contains != null ? 1 : 0);
        }
    }
}
