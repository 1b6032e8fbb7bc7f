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

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * What a config reload changes ({@code POST /admin/reload}, {@code SIGHUP}): every changed key, the keys that
 * cannot change while the gateway runs, and the config that runs from the reload on.
 *
 * <p>Live: {@code routes} (every route block), {@code upstream} and {@code upstreams}, and in {@code admission}
 * {@code enabled}, a static {@code max-concurrent}, {@code queue-capacity}, {@code max-wait} and each class's
 * {@code queue-capacity} and {@code when}. Everything else (listeners, {@code store}, {@code events},
 * {@code auth}, {@code hot-spots}, logs, tracing, and in {@code admission} the class names and their order,
 * {@code auto} or the {@code adaptive} bounds, {@code retry-after*}) needs a restart: its section keeps the running
 * value, and the keys are reported as {@link #needsRestart()}, never silently ignored.
 *
 * @param applied      the config that runs from the reload on: the new one, with the sections that need a restart
 *                     as they were
 * @param changed      every changed key path ({@code server.port}, {@code routes[1].cache.fresh}), keys sorted
 * @param needsRestart the changed keys that only a restart applies
 */
public record ConfigChanges(LeveeConfig applied, List<String> changed, List<String> needsRestart) {
    private static final Set<String> LIVE_SECTIONS = Set.of("routes", "upstream", "upstreams", "admission");

    public ConfigChanges {
        requireNonNull(applied, "applied");
        changed = List.copyOf(changed);
        needsRestart = List.copyOf(needsRestart);
    }

    /** True when nothing changed at all. */
    public boolean unchanged() {
        return changed.isEmpty();
    }

    /** What replacing {@code running} by {@code next} changes. */
    public static ConfigChanges between(LeveeConfig running, LeveeConfig next) {
        requireNonNull(running, "running");
        requireNonNull(next, "next");
        List<String> changed = new ArrayList<>();
        diff("", EffectiveConfig.canonicalTree(running), EffectiveConfig.canonicalTree(next), changed);
        Set<String> restart = new LinkedHashSet<>();
        for (String key : changed) {
            String section = section(key);
            if (!LIVE_SECTIONS.contains(section)) {
                restart.add(key);
            }
        }
        boolean admissionLive = admissionLive(running.admission(), next.admission());
        if (!admissionLive) {
            changed.stream().filter(k -> section(k).equals("admission")).forEach(restart::add);
        }
        LeveeConfig applied = new LeveeConfig(running.server(), next.upstream(), next.upstreams(), running.auth(),
                running.admin(), admissionLive ? next.admission() : running.admission(), next.routes(),
                running.events(), running.store(), running.hotSpots(), running.accessLog(), running.log(),
                running.tracing());
        return new ConfigChanges(applied, changed, new ArrayList<>(restart));
    }

    /**
     * True if a running admission can take {@code next}: the same classes in the same order, the same kind of
     * limit (static, or {@code auto} with the same bounds) and the same Retry-After settings: what else differs
     * ({@code enabled}, a static limit, capacities, max wait, class rules) a running admission takes.
     */
    private static boolean admissionLive(AdmissionConfig running, AdmissionConfig next) {
        List<String> names = running.classes().stream().map(AdmissionConfig.ClassConfig::name).toList();
        List<String> nextNames = next.classes().stream().map(AdmissionConfig.ClassConfig::name).toList();
        return names.equals(nextNames) && running.maxConcurrent().auto() == next.maxConcurrent().auto()
                && running.adaptive().equals(next.adaptive())
                && java.util.Objects.equals(running.retryAfter(), next.retryAfter())
                && running.retryAfterMax().equals(next.retryAfterMax());
    }

    /**
     * How long what a reload replaced (an upstream cluster, a route's pipeline or hot-spot window) stays for the
     * requests that started on it under {@code config}: the longest such a request may still wait for admission,
     * its body and its upstream, with a margin.
     */
    public static Duration retireAfter(LeveeConfig config) {
        Duration longest = config.upstreamClusters().values().stream().map(UpstreamClusterConfig::timeout)
                .max(Duration::compareTo).orElse(Duration.ZERO);
        return config.admission().maxWait().plus(config.server().bodyTimeout()).plus(longest.multipliedBy(2))
                .plusSeconds(10);
    }

    private static String section(String key) {
        int end = key.length();
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) == '.' || key.charAt(i) == '[') {
                end = i;
                break;
            }
        }
        return key.substring(0, end);
    }

    private static boolean isWrapped(JsonNode node) {
        return node.size() == 1 && node.has("value");
    }

    /** Appends the path of every leaf (or whole subtree added, removed or resized) that differs. */
    private static void diff(String path, JsonNode a, JsonNode b, List<String> out) {
        if (a.equals(b)) {
            return;
        }
        if (a.isObject() && b.isObject() && !(isWrapped(a) && isWrapped(b))) {
            // (a value written as a record, max-concurrent's {value: N}, is reported by its own key)
            Set<String> keys = new LinkedHashSet<>();
            a.properties().forEach(e -> keys.add(e.getKey()));
            b.properties().forEach(e -> keys.add(e.getKey()));
            for (String k : keys) {
                JsonNode x = a.path(k);
                JsonNode y = b.path(k);
                diff(path.isEmpty() ? k : path + "." + k, x, y, out);
            }
        } else if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                diff(path + "[" + i + "]", a.get(i), b.get(i), out);
            }
        } else {
            out.add(path);
        }
    }
}
