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
package dev.levee.core.hotspot;

import java.util.List;

import java.util.Locale;

import static dev.levee.core.internal.Arguments.nonNegative;
import static java.util.Objects.requireNonNull;

/**
 * Which part of a request names the hot-spot key, from a spec string:
 * <ul>
 *   <li>{@code query:NAME}: the first value of query parameter NAME ({@code query:fixture_id});</li>
 *   <li>{@code path:N}: the N-th non-empty path segment, counted from 0 ({@code path:3} of
 *       {@code /api/v3/fixtures/42/odds} is {@code 42});</li>
 *   <li>{@code header:NAME}: the value of header NAME (case-insensitive).</li>
 * </ul>
 * A request without the part has no key ({@link #extract} returns null): it is not limited per key.
 */
public record KeyExtractor(Source source, String name, int segment) {

    public enum Source { QUERY, PATH, HEADER }

    /** What the extractor reads from a request; the gateway adapts its request type to this. */
    public interface Request {
        String path();

        /** First value of the query parameter, or null. */
        String queryParam(String name);

        /** Every value of the query parameter, in order (a batched upstream call repeats it). */
        default List<String> queryParams(String name) {
            String v = queryParam(name);
            return v == null ? List.of() : List.of(v);
        }

        /** Value of the header, or null. */
        String header(String name);
    }

    public KeyExtractor {
        requireNonNull(source, "source");
        if (source == Source.PATH) {
            nonNegative("segment", segment);
        } else if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: '" + name + "' (expected: a parameter or header name)");
        }
    }

    /** Parses {@code query:NAME}, {@code path:N} or {@code header:NAME}. */
    public static KeyExtractor parse(String spec) {
        requireNonNull(spec, "spec");
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? "" : spec.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String arg = colon < 0 ? "" : spec.substring(colon + 1).trim();
        switch (kind) {
            case "query":
                if (!arg.isEmpty()) {
                    return new KeyExtractor(Source.QUERY, arg, -1);
                }
                break;
            case "header":
                if (!arg.isEmpty()) {
                    return new KeyExtractor(Source.HEADER, arg, -1);
                }
                break;
            case "path":
                try {
                    return new KeyExtractor(Source.PATH, null, Integer.parseInt(arg));
                } catch (IllegalArgumentException e) {
                    break;
                }
            default:
                break;
        }
        throw new IllegalArgumentException("key: '" + spec + "' (expected: query:NAME, path:N or header:NAME)");
    }

    /**
     * Every distinct key of {@code request}: one for most requests, several for a batched call that repeats the
     * query parameter (each key it carries costs the upstream one call of that key's quota).
     */
    public List<String> extractAll(Request request) {
        if (source != Source.QUERY) {
            String key = extract(request);
            return key == null ? List.of() : List.of(key);
        }
        return request.queryParams(name).stream().filter(v -> v != null && !v.isEmpty()).distinct().toList();
    }

    /** The key of {@code request}, or null if it has none. */
    public String extract(Request request) {
        String value = switch (source) {
            case QUERY -> request.queryParam(name);
            case HEADER -> request.header(name);
            case PATH -> segment(request.path(), segment);
        };
        return value == null || value.isEmpty() ? null : value;
    }

    private static String segment(String path, int n) {
        if (path == null) {
            return null;
        }
        int i = 0;
        int len = path.length();
        int index = 0;
        while (i < len) {
            while (i < len && path.charAt(i) == '/') {
                i++;
            }
            if (i >= len) {
                break;
            }
            int end = path.indexOf('/', i);
            if (end < 0) {
                end = len;
            }
            if (index == n) {
                return path.substring(i, end);
            }
            index++;
            i = end;
        }
        return null;
    }

    @Override
    public String toString() {
        return switch (source) {
            case QUERY -> "query:" + name;
            case HEADER -> "header:" + name;
            case PATH -> "path:" + segment;
        };
    }
}
