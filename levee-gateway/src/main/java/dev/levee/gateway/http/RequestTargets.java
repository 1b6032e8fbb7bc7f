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
package dev.levee.gateway.http;

import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One reading of a request target for everything that decides by it: route matching, the read path's cache key and
 * forwarded path, and the hot-spot key. Two spellings of one upstream resource then match the same route, share
 * one cache key and count against one hot-spot key, whichever stage looks at them.
 *
 * <ul>
 *   <li>{@link #canonicalPath}: RFC 3986 normalisation (section 6.2.2: percent-encoded unreserved characters
 *       decoded, other percent-encodings in upper-case hex; section 5.2.4: {@code .} and {@code ..} segments
 *       removed) plus repeated slashes merged, as nginx does by default ({@code merge_slashes}). The read path
 *       forwards this path, so what it keys on and what the upstream receives are the same string.</li>
 *   <li>{@link #queryParameters}: the query decoded with {@code ;} as an ordinary character (Netty's default
 *       would split on it, so {@code a=1;b=2} would key as two parameters while most upstreams read one) and no
 *       parameter left out (Netty stops at 1024 by default; the request line is bounded anyway).</li>
 * </ul>
 * Malformed percent-encoding in the query throws {@link IllegalArgumentException} (the caller answers 400).
 */
public final class RequestTargets {
    private RequestTargets() {}

    /** The canonical form of {@code rawPath} (no query); the same string when it is canonical already. */
    public static String canonicalPath(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        if (rawPath.charAt(0) != '/' || isCanonical(rawPath)) { // not origin-form (OPTIONS *): left alone
            return rawPath;
        }
        String decoded = normalizeEncoding(rawPath);
        String[] segments = decoded.split("/", -1);
        StringBuilder out = new StringBuilder(decoded.length());
        ArrayDeque<String> kept = new ArrayDeque<>();
        boolean trailingSlash = false;
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.isEmpty()) {
                trailingSlash = last && i > 0;
                continue; // merged slash (or the leading one)
            }
            trailingSlash = false;
            if (s.equals(".")) {
                trailingSlash = last;
            } else if (s.equals("..")) {
                kept.pollLast(); // ".." above the root stays at the root
                trailingSlash = last;
            } else {
                kept.addLast(s);
            }
        }
        for (String s : kept) {
            out.append('/').append(s);
        }
        if (out.isEmpty() || trailingSlash) {
            out.append('/');
        }
        return out.toString();
    }

    /** No percent sign, no empty, {@code .} or {@code ..} segment: nothing to normalise (the common case). */
    private static boolean isCanonical(String p) {
        int len = p.length();
        for (int i = 0; i < len; i++) {
            char c = p.charAt(i);
            if (c == '%') {
                return false;
            }
            if (c == '/' && i + 1 < len) {
                char n = p.charAt(i + 1);
                if (n == '/') {
                    return false;
                }
                if (n == '.') {
                    int end = p.indexOf('/', i + 1);
                    String seg = p.substring(i + 1, end < 0 ? len : end);
                    if (seg.equals(".") || seg.equals("..")) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Decodes {@code %XX} of unreserved characters, upper-cases the hex of the others; a stray {@code %} stays. */
    private static String normalizeEncoding(String p) {
        StringBuilder sb = new StringBuilder(p.length());
        int len = p.length();
        for (int i = 0; i < len; i++) {
            char c = p.charAt(i);
            if (c == '%' && i + 2 < len && hex(p.charAt(i + 1)) >= 0 && hex(p.charAt(i + 2)) >= 0) {
                char d = (char) (hex(p.charAt(i + 1)) * 16 + hex(p.charAt(i + 2)));
                if (unreserved(d)) {
                    sb.append(d);
                } else {
                    sb.append('%').append(Character.toUpperCase(p.charAt(i + 1)))
                            .append(Character.toUpperCase(p.charAt(i + 2)));
                }
                i += 2;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean unreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** The raw query of {@code uri} (after the first {@code ?}), or null. */
    public static @Nullable String rawQuery(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? null : uri.substring(q + 1);
    }

    /** {@code uri}'s path in canonical form with its query unchanged: what the read path sends upstream. */
    public static String canonicalUri(String path, String uri) {
        String query = rawQuery(uri);
        String canonical = canonicalPath(path);
        return query == null ? canonical : canonical + '?' + query;
    }

    /**
     * Every query parameter of {@code uri}, decoded ({@code +} is a space), names in order of first appearance and
     * each name's values in request order.
     *
     * @throws IllegalArgumentException on malformed percent-encoding
     */
    public static Map<String, List<String>> queryParameters(String uri) {
        int q = uri.indexOf('?');
        if (q < 0) {
            return Map.of();
        }
        // decode the query only: the path's own encoding is canonicalPath's business
        return new QueryStringDecoder(uri.substring(q), StandardCharsets.UTF_8, true,
                Math.max(1, uri.length()), true).parameters();
    }
}
