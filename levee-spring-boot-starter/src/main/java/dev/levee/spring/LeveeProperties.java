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
package dev.levee.spring;

import dev.levee.core.time.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code levee} section of {@code application.yml}: the same kebab-case keys and defaults as the gateway's
 * YAML for the parts that run inside an application ({@code admission}, {@code routes[..].hot-spot},
 * {@code hot-spots}), checked when the context starts with the gateway's messages, the key path first:
 * {@code "levee.admission.max-concurrent: 0 (expected: > 0)"}.
 * <p>What the starter does not read: the gateway's {@code when.claim} rules (an application classifies requests
 * itself: a {@code when.header} rule or an {@link AdmissionClassifier} bean), {@code max-concurrent: auto}, and
 * the proxy-only blocks of a route ({@code cache}, {@code coalesce}, {@code batch}, {@code breaker}: service methods
 * carry {@link Cached} and {@link Coalesced} instead).
 */
@ConfigurationProperties("levee")
public class LeveeProperties implements InitializingBean {
    private static final Pattern CLASS_NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    private static final int MAX_CLASSES = 16;

    private final Admission admission = new Admission();
    private final HotSpots hotSpots = new HotSpots();
    private final Coalesce coalesce = new Coalesce();
    private final CacheSettings cache = new CacheSettings();
    private List<Route> routes = new ArrayList<>();

    public Admission getAdmission() {
        return admission;
    }

    public HotSpots getHotSpots() {
        return hotSpots;
    }

    public Coalesce getCoalesce() {
        return coalesce;
    }

    public CacheSettings getCache() {
        return cache;
    }

    public List<Route> getRoutes() {
        return routes;
    }

    public void setRoutes(List<Route> routes) {
        this.routes = routes;
    }

    @Override
    public void afterPropertiesSet() {
        validate();
    }

    /** Throws {@link IllegalStateException} naming the first bad key, as the gateway's config loader does. */
    public void validate() {
        admission.validate("levee.admission.");
        hotSpots.validate("levee.hot-spots.");
        coalesce.validate("levee.coalesce.");
        cache.validate("levee.cache.");
        Set<String> paths = new HashSet<>();
        for (int i = 0; i < routes.size(); i++) {
            String key = "levee.routes[" + i + "].";
            Route route = routes.get(i);
            route.validate(key);
            if (!paths.add(route.getPath())) {
                throw bad(key + "path", route.getPath(), "each path once");
            }
        }
    }

    /** The route whose {@code path} is exactly {@code path}, or null. */
    @Nullable Route route(String path) {
        for (Route r : routes) {
            if (path.equals(r.getPath())) {
                return r;
            }
        }
        return null;
    }

    static IllegalStateException bad(String key, @Nullable Object value, String expected) {
        return new IllegalStateException(key + ": " + value + " (expected: " + expected + ")");
    }

    static void positive(String key, int value) {
        if (value <= 0) {
            throw bad(key, value, "> 0");
        }
    }

    static void nonNegative(String key, int value) {
        if (value < 0) {
            throw bad(key, value, ">= 0");
        }
    }

    static void positive(String key, @Nullable Duration value) {
        if (value == null) {
            throw bad(key, null, "a duration such as 5s");
        }
        if (value.isNegative() || value.isZero()) {
            throw bad(key, Durations.format(value), "> 0");
        }
    }

    /** {@code levee.admission}: priority classes over one concurrency limit, highest priority first. */
    public static class Admission {
        private boolean enabled = true;
        private int maxConcurrent = 500;
        private int queueCapacity = 1000;
        private Duration maxWait = Duration.ofSeconds(5);
        private @Nullable Duration retryAfter;
        private Duration retryAfterMax = Duration.ofSeconds(60);
        private List<AdmissionClass> classes = new ArrayList<>();
        private List<String> excludedPaths = new ArrayList<>(List.of("/actuator"));

        void validate(String prefix) {
            positive(prefix + "max-concurrent", maxConcurrent);
            positive(prefix + "queue-capacity", queueCapacity);
            positive(prefix + "max-wait", maxWait);
            if (retryAfter != null) {
                positive(prefix + "retry-after", retryAfter);
            }
            positive(prefix + "retry-after-max", retryAfterMax);
            if (classes.isEmpty()) {
                throw bad(prefix + "classes", "empty", "at least one class, highest priority first");
            }
            if (classes.size() > MAX_CLASSES) {
                throw bad(prefix + "classes", classes.size() + " classes", "at most " + MAX_CLASSES);
            }
            Set<String> seen = new HashSet<>();
            List<String> fallbacks = new ArrayList<>();
            for (int i = 0; i < classes.size(); i++) {
                String key = prefix + "classes[" + i + "].";
                AdmissionClass c = classes.get(i);
                String name = c.getName();
                if (name == null) {
                    throw bad(key + "name", null, "a class name such as partner");
                }
                if (!CLASS_NAME.matcher(name).matches()) {
                    throw bad(key + "name", "'" + name + "'",
                            "lower case letters, digits and _, starting with a letter, at most 32");
                }
                if (!seen.add(name)) {
                    throw bad(key + "name", name, "each class once");
                }
                if (c.getQueueCapacity() != null) {
                    positive(key + "queue-capacity", c.getQueueCapacity());
                }
                Rule when = c.getWhen();
                if (when == null) {
                    fallbacks.add(name);
                } else {
                    when.validate(key + "when.");
                }
            }
            if (fallbacks.size() != 1) {
                throw bad(prefix + "classes", fallbacks.isEmpty() ? "no class" : fallbacks.size() + " classes "
                        + fallbacks + " without 'when'", "exactly one fallback class, for unclassified requests");
            }
            for (int i = 0; i < excludedPaths.size(); i++) {
                String p = excludedPaths.get(i);
                if (p == null || !p.startsWith("/")) {
                    throw bad(prefix + "excluded-paths[" + i + "]", "'" + p + "'", "a path starting with /");
                }
            }
        }

        /** The class without {@code when}. */
        String fallbackClass() {
            for (AdmissionClass c : classes) {
                if (c.getWhen() == null) {
                    return java.util.Objects.requireNonNull(c.getName(), "name");
                }
            }
            throw new IllegalStateException("no fallback class");
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getMaxConcurrent() {
            return maxConcurrent;
        }

        public void setMaxConcurrent(int maxConcurrent) {
            this.maxConcurrent = maxConcurrent;
        }

        public int getQueueCapacity() {
            return queueCapacity;
        }

        public void setQueueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
        }

        public Duration getMaxWait() {
            return maxWait;
        }

        public void setMaxWait(Duration maxWait) {
            this.maxWait = maxWait;
        }

        public @Nullable Duration getRetryAfter() {
            return retryAfter;
        }

        public void setRetryAfter(@Nullable Duration retryAfter) {
            this.retryAfter = retryAfter;
        }

        public Duration getRetryAfterMax() {
            return retryAfterMax;
        }

        public void setRetryAfterMax(Duration retryAfterMax) {
            this.retryAfterMax = retryAfterMax;
        }

        public List<AdmissionClass> getClasses() {
            return classes;
        }

        public void setClasses(List<AdmissionClass> classes) {
            this.classes = classes;
        }

        /** Paths that skip admission (the request URI without the context path); {@code /actuator} by default. */
        public List<String> getExcludedPaths() {
            return excludedPaths;
        }

        public void setExcludedPaths(List<String> excludedPaths) {
            this.excludedPaths = excludedPaths;
        }
    }

    /** {@code levee.admission.classes[i]}; {@code queue-capacity} unset = the section's. */
    public static class AdmissionClass {
        private @Nullable String name;
        private @Nullable Integer queueCapacity;
        private @Nullable Rule when;

        public @Nullable String getName() {
            return name;
        }

        public void setName(@Nullable String name) {
            this.name = name;
        }

        public @Nullable Integer getQueueCapacity() {
            return queueCapacity;
        }

        public void setQueueCapacity(@Nullable Integer queueCapacity) {
            this.queueCapacity = queueCapacity;
        }

        public @Nullable Rule getWhen() {
            return when;
        }

        public void setWhen(@Nullable Rule when) {
            this.when = when;
        }
    }

    /**
     * {@code when:} the request header {@code header} equals {@code equals} (case-sensitive), or, without
     * {@code equals}, is present. The gateway's {@code claim} rules need its token verification: an application
     * that wants them gives an {@link AdmissionClassifier} bean.
     */
    public static class Rule {
        private @Nullable String header;
        private @Nullable String equals;
        private @Nullable String claim;

        void validate(String prefix) {
            if (claim != null) {
                throw bad(prefix + "claim", claim, "header: the starter does not verify tokens; classify by claims "
                        + "with an AdmissionClassifier bean");
            }
            if (header == null || header.isBlank()) {
                throw bad(prefix + "header", header == null ? null : "''", "a header name such as X-Client-Tier");
            }
        }

        public @Nullable String getHeader() {
            return header;
        }

        public void setHeader(@Nullable String header) {
            this.header = header;
        }

        public @Nullable String getEquals() {
            return equals;
        }

        public void setEquals(@Nullable String equals) {
            this.equals = equals;
        }

        public @Nullable String getClaim() {
            return claim;
        }

        public void setClaim(@Nullable String claim) {
            this.claim = claim;
        }
    }

    /** {@code levee.hot-spots}: the settings shared by every route's hot-spot limiter. */
    public static class HotSpots {
        private int maxKeys = 10_000;
        private double alertThreshold = 0.8;

        void validate(String prefix) {
            positive(prefix + "max-keys", maxKeys);
            if (!(alertThreshold > 0 && alertThreshold <= 1)) {
                throw bad(prefix + "alert-threshold", alertThreshold, "a fraction in (0, 1]");
            }
        }

        public int getMaxKeys() {
            return maxKeys;
        }

        public void setMaxKeys(int maxKeys) {
            this.maxKeys = maxKeys;
        }

        public double getAlertThreshold() {
            return alertThreshold;
        }

        public void setAlertThreshold(double alertThreshold) {
            this.alertThreshold = alertThreshold;
        }
    }

    /** {@code levee.coalesce}: bounds of the coalescer behind {@link Coalesced} and {@link Cached}. */
    public static class Coalesce {
        private Duration maxWait = Duration.ofSeconds(30);
        private int maxWaitersPerKey = 1000;
        private int maxWaiters = 10_000;

        void validate(String prefix) {
            positive(prefix + "max-wait", maxWait);
            positive(prefix + "max-waiters-per-key", maxWaitersPerKey);
            positive(prefix + "max-waiters", maxWaiters);
        }

        public Duration getMaxWait() {
            return maxWait;
        }

        public void setMaxWait(Duration maxWait) {
            this.maxWait = maxWait;
        }

        public int getMaxWaitersPerKey() {
            return maxWaitersPerKey;
        }

        public void setMaxWaitersPerKey(int maxWaitersPerKey) {
            this.maxWaitersPerKey = maxWaitersPerKey;
        }

        public int getMaxWaiters() {
            return maxWaiters;
        }

        public void setMaxWaiters(int maxWaiters) {
            this.maxWaiters = maxWaiters;
        }
    }

    /** {@code levee.cache}: the one cache behind every {@link Cached} method. */
    public static class CacheSettings {
        private int maxEntries = 10_000;

        void validate(String prefix) {
            positive(prefix + "max-entries", maxEntries);
        }

        public int getMaxEntries() {
            return maxEntries;
        }

        public void setMaxEntries(int maxEntries) {
            this.maxEntries = maxEntries;
        }
    }

    /** {@code levee.routes[i]}: a path and the blocks the starter reads from it ({@code hot-spot}). */
    public static class Route {
        private @Nullable String path;
        private @Nullable RouteHotSpot hotSpot;

        void validate(String prefix) {
            if (path == null || !path.startsWith("/")) {
                throw bad(prefix + "path", path == null ? null : "'" + path + "'",
                        "a path prefix starting with /");
            }
            if (hotSpot != null) {
                hotSpot.validate(prefix + "hot-spot.");
            }
        }

        public String getPath() {
            return java.util.Objects.requireNonNullElse(path, "");
        }

        public void setPath(@Nullable String path) {
            this.path = path;
        }

        public @Nullable RouteHotSpot getHotSpot() {
            return hotSpot;
        }

        public void setHotSpot(@Nullable RouteHotSpot hotSpot) {
            this.hotSpot = hotSpot;
        }
    }

    /**
     * {@code levee.routes[i].hot-spot}: {@code limit} calls per {@code window} per key, {@code queue} waiting at
     * most {@code max-wait}. The gateway's {@code key} (where a request's key is read) is accepted and unused: a
     * {@link HotSpot} method names its key in SpEL.
     */
    public static class RouteHotSpot {
        private @Nullable String key;
        private int limit;
        private @Nullable Duration window;
        private int queue = 100;
        private Duration maxWait = Duration.ofSeconds(30);

        void validate(String prefix) {
            positive(prefix + "limit", limit);
            positive(prefix + "window", window);
            nonNegative(prefix + "queue", queue);
            positive(prefix + "max-wait", maxWait);
        }

        public @Nullable String getKey() {
            return key;
        }

        public void setKey(@Nullable String key) {
            this.key = key;
        }

        public int getLimit() {
            return limit;
        }

        public void setLimit(int limit) {
            this.limit = limit;
        }

        public Duration getWindow() {
            return java.util.Objects.requireNonNull(window, "window");
        }

        public void setWindow(@Nullable Duration window) {
            this.window = window;
        }

        public int getQueue() {
            return queue;
        }

        public void setQueue(int queue) {
            this.queue = queue;
        }

        public Duration getMaxWait() {
            return maxWait;
        }

        public void setMaxWait(Duration maxWait) {
            this.maxWait = maxWait;
        }
    }
}
