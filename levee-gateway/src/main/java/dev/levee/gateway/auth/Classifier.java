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
package dev.levee.gateway.auth;

import dev.levee.gateway.config.AdmissionConfig;
import dev.levee.gateway.config.AdmissionConfig.ClassConfig;
import dev.levee.gateway.config.AdmissionConfig.Rule;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * Maps verified claims to a priority class with the rules of {@code admission.classes}: the first class (highest
 * priority first) whose rule matches wins; no token, or no match, gives the fallback class. A claim that is
 * missing or of the wrong JSON type never matches, so it falls through to the next rule instead of failing.
 */
public final class Classifier {
    private final List<ClassConfig> ruled;
    private final String fallback;

    public Classifier(AdmissionConfig config) {
        requireNonNull(config, "config");
        this.ruled = config.classes().stream().filter(c -> c.when() != null).toList();
        this.fallback = config.fallbackClass();
    }

    /** The class for {@code claims} (null: no token). */
    public String classify(@Nullable Map<String, Object> claims) {
        if (claims != null) {
            for (ClassConfig c : ruled) {
                if (matches(c.when(), claims.get(c.when().claim()))) {
                    return c.name();
                }
            }
        }
        return fallback;
    }

    public String fallback() {
        return fallback;
    }

    static boolean matches(Rule rule, @Nullable Object value) {
        if (value == null) {
            return false;
        }
        if (rule.equals() != null) {
            Object expected = rule.equals();
            if (expected instanceof String s) {
                return value instanceof String v && v.equals(s);
            }
            if (expected instanceof Boolean b) {
                return value instanceof Boolean v && v.equals(b);
            }
            return value instanceof Number v && decimal(v).compareTo(decimal((Number) expected)) == 0;
        }
        if (rule.greaterThan() != null) {
            return value instanceof Number v && Double.isFinite(v.doubleValue())
                    && v.doubleValue() > rule.greaterThan();
        }
        return value instanceof Collection<?> list && list.contains(rule.contains());
    }

    private static BigDecimal decimal(Number n) {
        return n instanceof Double || n instanceof Float ? BigDecimal.valueOf(n.doubleValue())
                : new BigDecimal(n.toString());
    }
}
