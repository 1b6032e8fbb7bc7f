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
package dev.levee.gateway.readpath;

import dev.levee.core.cache.CachePolicy;
import io.vertx.core.MultiMap;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * What an upstream response says about being stored and shared: {@code Cache-Control} (RFC 9111 section 5.2.2) and
 * {@code Vary} (section 4.1). Directives are matched whole and case-insensitively in the comma list (quoted
 * arguments may hold commas), so {@code no-store-foo} is not {@code no-store}.
 *
 * <p>Where the RFC leaves a choice this takes the one that stores less: an invalid or duplicated lifetime counts as
 * zero (the RFC encourages treating it as stale), the qualified forms {@code no-cache="field"} and
 * {@code private="field"} count as the unqualified ones, and a header too long to be honest (more than
 * {@link #MAX_DIRECTIVES} directives, more than {@link #MAX_VARY} varied headers) is not stored.
 */
final class UpstreamCaching {
    static final int MAX_DIRECTIVES = 32;
    static final int MAX_VARY = 8;
    static final long ABSENT = -1;

    private UpstreamCaching() {}

    /**
     * The Cache-Control directives the read path acts on.
     *
     * @param maxAge  {@code max-age} seconds, or {@link #ABSENT}
     * @param sMaxAge {@code s-maxage} seconds, or {@link #ABSENT}
     * @param mustRevalidate {@code must-revalidate} or {@code proxy-revalidate}: nothing served stale
     */
    record Directives(boolean noStore, boolean noCache, boolean isPrivate, boolean mustRevalidate, long maxAge,
                      long sMaxAge) {
        static final Directives NONE = new Directives(false, false, false, false, ABSENT, ABSENT);
        static final Directives UNREADABLE = new Directives(true, false, false, false, ABSENT, ABSENT);

        /** The lifetime a shared cache may use (s-maxage over max-age), or {@link #ABSENT}. */
        long sharedLifetime() {
            return sMaxAge != ABSENT ? sMaxAge : maxAge;
        }
    }

    /** The response's Cache-Control (every header line joined, as the RFC allows). */
    static Directives directives(MultiMap headers) {
        List<String> lines = headers.getAll("Cache-Control");
        if (lines.isEmpty()) {
            return Directives.NONE;
        }
        String value = lines.size() == 1 ? lines.get(0) : String.join(",", lines);
        List<String[]> parsed = split(value);
        if (parsed == null) {
            return Directives.UNREADABLE;
        }
        boolean noStore = false, noCache = false, isPrivate = false, mustRevalidate = false;
        long maxAge = ABSENT, sMaxAge = ABSENT;
        for (String[] d : parsed) {
            switch (d[0]) {
                case "no-store" -> noStore = true;
                case "no-cache" -> noCache = true;
                case "private" -> isPrivate = true;
                case "must-revalidate", "proxy-revalidate" -> mustRevalidate = true;
                case "max-age" -> maxAge = merge(maxAge, seconds(d[1]));
                case "s-maxage" -> sMaxAge = merge(sMaxAge, seconds(d[1]));
                default -> { } // public, no-transform, immutable, extensions: nothing to do
            }
        }
        return new Directives(noStore, noCache, isPrivate, mustRevalidate, maxAge, sMaxAge);
    }

    /** A directive given twice with different values is invalid: zero. */
    private static long merge(long previous, long next) {
        return previous == ABSENT || previous == next ? next : 0;
    }

    /** delta-seconds ({@code 1*DIGIT}, quoted tolerated); anything else is invalid: zero. Capped at 2^31 (RFC). */
    private static long seconds(String v) {
        if (v == null || v.isEmpty()) {
            return 0;
        }
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return 0;
            }
        }
        return v.length() > 10 ? 1L << 31 : Math.min(Long.parseLong(v), 1L << 31);
    }

    /** {@code [name-lower-case, argument-or-null]} per directive, or null past {@link #MAX_DIRECTIVES}. */
    private static List<String[]> split(String value) {
        List<String[]> out = new ArrayList<>();
        int i = 0;
        int len = value.length();
        while (i < len) {
            int start = i;
            boolean quoted = false;
            while (i < len) {
                char c = value.charAt(i);
                if (c == '"') {
                    quoted = !quoted;
                } else if (c == '\\' && quoted) {
                    i++;
                } else if (c == ',' && !quoted) {
                    break;
                }
                i++;
            }
            String item = value.substring(start, Math.min(i, len)).trim();
            i++;
            if (item.isEmpty()) {
                continue;
            }
            if (out.size() == MAX_DIRECTIVES) {
                return null;
            }
            int eq = item.indexOf('=');
            String name = (eq < 0 ? item : item.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String arg = eq < 0 ? null : item.substring(eq + 1).trim();
            if (arg != null && arg.length() >= 2 && arg.startsWith("\"") && arg.endsWith("\"")) {
                arg = arg.substring(1, arg.length() - 1);
            }
            out.add(new String[] {name, arg});
        }
        return out;
    }

    /**
     * The response's {@code Vary}: the varied request header names (lower case, sorted, distinct), empty when it
     * does not vary, or null for {@code Vary: *} and for a list that cannot be honoured (a name that is not a
     * token, more than {@link #MAX_VARY} names): such a response matches no other request.
     */
    static List<String> vary(MultiMap headers) {
        List<String> lines = headers.getAll("Vary");
        if (lines.isEmpty()) {
            return List.of();
        }
        TreeSet<String> names = new TreeSet<>();
        for (String line : lines) {
            for (String part : line.split(",", -1)) {
                String name = part.trim();
                if (name.isEmpty()) {
                    continue;
                }
                if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+") || name.equals("*")) {
                    return null;
                }
                names.add(name.toLowerCase(Locale.ROOT));
                if (names.size() > MAX_VARY) {
                    return null;
                }
            }
        }
        return List.copyOf(names);
    }

    /** The response's {@code Age} in seconds; 0 when absent or unreadable. */
    static long age(MultiMap headers) {
        String v = headers.get("Age");
        if (v == null) {
            return 0;
        }
        return seconds(v.trim());
    }

    /** True if {@code r}'s Cache-Control forbids storing it, or grants it no fresh time. */
    static boolean forbidsStoring(MultiMap headers) {
        Directives d = directives(headers);
        if (d.noStore() || d.noCache() || d.isPrivate()) {
            return true;
        }
        long lifetime = d.sharedLifetime();
        return lifetime != ABSENT && lifetime - age(headers) <= 0;
    }

    /**
     * The policy one response is stored with: the route's, with {@code fresh} shortened to what the upstream grants
     * (s-maxage, else max-age, less Age; never lengthened: the route's fresh is the most the operator accepts) and
     * {@code stale} dropped for must-revalidate / proxy-revalidate.
     *
     * <p>s-maxage's implied proxy-revalidate is not applied: the route's stale window is what keeps answers coming
     * while the upstream fails, and an upstream that wants no stale answers says must-revalidate.
     */
    static CachePolicy policyFor(MultiMap headers, CachePolicy route) {
        Directives d = directives(headers);
        Duration fresh = route.fresh();
        long lifetime = d.sharedLifetime();
        if (lifetime != ABSENT) {
            Duration granted = Duration.ofSeconds(Math.max(0, lifetime - age(headers)));
            if (granted.compareTo(fresh) < 0) {
                fresh = granted.isZero() ? Duration.ofMillis(1) : granted; // zero is never stored (forbidsStoring)
            }
        }
        Duration stale = d.mustRevalidate() ? Duration.ZERO : route.stale();
        if (fresh.equals(route.fresh()) && stale.equals(route.stale())) {
            return route;
        }
        return new CachePolicy(fresh, stale, route.errorTtl());
    }
}
