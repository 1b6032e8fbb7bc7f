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
package dev.levee.gateway.hotspot;

import dev.levee.core.hotspot.KeyExtractor;
import dev.levee.gateway.http.RequestTargets;
import dev.levee.gateway.upstream.UpstreamRequest;
import io.vertx.core.http.HttpServerRequest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Adapts the gateway's request types to what {@link KeyExtractor} reads, with one normalisation for both (the
 * client's request on the plain-proxy path, the read path's upstream request), so every spelling of one resource
 * counts against one hot-spot key:
 * <ul>
 *   <li>the path is {@link RequestTargets#canonicalPath} (dot segments, merged slashes, unreserved characters
 *       decoded: what route matching and the read path use), then each segment fully percent-decoded
 *       ({@code /fixtures/19%30} is key {@code 190}; an encoded slash stays {@code %2F}, inside its segment);</li>
 *   <li>query values decoded as {@link RequestTargets#queryParameters} does ({@code fixture%5Fid=19%30} is
 *       {@code fixture_id=190}), with surrounding whitespace removed ({@code 190+} and {@code %20190} are
 *       {@code 190}: at worst two resources that differ only in spaces share one quota).</li>
 * </ul>
 * A malformed query throws {@link IllegalArgumentException} when a parameter is read (the caller answers 400).
 */
final class RequestViews {
    private RequestViews() {}

    static KeyExtractor.Request of(HttpServerRequest request) {
        return view(request.path(), request.uri(), request::getHeader);
    }

    static KeyExtractor.Request of(UpstreamRequest request) {
        String uri = request.uri();
        int q = uri.indexOf('?');
        return view(q < 0 ? uri : uri.substring(0, q), uri, name -> request.headers().get(name));
    }

    private static KeyExtractor.Request view(String rawPath, String uri, Function<String, String> headers) {
        return new KeyExtractor.Request() {
            private Map<String, List<String>> params;

            private List<String> values(String name) {
                if (params == null) {
                    params = RequestTargets.queryParameters(uri);
                }
                List<String> v = params.get(name);
                return v == null ? List.of() : v.stream().map(String::strip).toList();
            }

            @Override
            public String path() {
                return decodedSegments(RequestTargets.canonicalPath(rawPath));
            }

            @Override
            public String queryParam(String name) {
                List<String> v = values(name);
                return v.isEmpty() ? null : v.get(0);
            }

            @Override
            public List<String> queryParams(String name) {
                return values(name);
            }

            @Override
            public String header(String name) {
                return headers.apply(name);
            }
        };
    }

    /** Each segment percent-decoded ({@code +} stays a plus, as in a path); a malformed one is kept as written. */
    static String decodedSegments(String canonicalPath) {
        if (canonicalPath.indexOf('%') < 0) {
            return canonicalPath;
        }
        String[] segments = canonicalPath.split("/", -1);
        StringBuilder sb = new StringBuilder(canonicalPath.length());
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                sb.append('/');
            }
            String s = segments[i];
            if (s.indexOf('%') < 0) {
                sb.append(s);
                continue;
            }
            String[] parts = ENCODED_SLASH.split(s, -1); // a decoded slash would split the segment in two
            for (int j = 0; j < parts.length; j++) {
                if (j > 0) {
                    sb.append("%2F");
                }
                try {
                    sb.append(URLDecoder.decode(parts[j].replace("+", "%2B"), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    sb.append(parts[j]);
                }
            }
        }
        return sb.toString();
    }

    private static final Pattern ENCODED_SLASH = Pattern.compile("%2F", Pattern.CASE_INSENSITIVE);
}
