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

import dev.levee.gateway.config.ConfigException;
import dev.levee.gateway.config.ConfigLoader;
import dev.levee.gateway.config.RouteConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CacheKeysTest {

    @Test
    void queryIsDecodedSortedByNameAndReEncoded() {
        // a repeated parameter keeps the order of its values: the upstream reads lang=en&lang=de differently
        assertThat(CacheKeys.normalizedQuery("/p?b=2&a=1&a=0", null)).isEqualTo("a=1&a=0&b=2");
        assertThat(CacheKeys.normalizedQuery("/p?lang=en&x=1&lang=de", null))
                .isNotEqualTo(CacheKeys.normalizedQuery("/p?lang=de&x=1&lang=en", null))
                .isEqualTo(CacheKeys.normalizedQuery("/p?x=1&lang=en&lang=de", null));
        // ';' is an ordinary character, as most upstreams read it (Netty's default would split on it)
        assertThat(CacheKeys.normalizedQuery("/p?a=1;b=2", null)).isEqualTo("a=1%3Bb%3D2");
        assertThat(CacheKeys.normalizedQuery("/p?b=%32&a=1", null))
                .isEqualTo(CacheKeys.normalizedQuery("/p?a=1&b=2", null));
        assertThat(CacheKeys.normalizedQuery("/p?q=a+b&r=a%20b", null)).isEqualTo("q=a%20b&r=a%20b");
        assertThat(CacheKeys.normalizedQuery("/p?fixture_id=1&market=x", "fixture_id")).isEqualTo("market=x");
        assertThat(CacheKeys.normalizedQuery("/p", null)).isEmpty();
    }

    @Test
    void theFastPathAgreesWithDecodingOnRandomQueries() {
        java.util.Random rnd = new java.util.Random(42);
        String alphabet = "ab_Z9.-*=&%+;~ ";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder q = new StringBuilder("/p?");
            int len = rnd.nextInt(14);
            for (int j = 0; j < len; j++) {
                char c = alphabet.charAt(rnd.nextInt(alphabet.length()));
                if (c == '%') {
                    q.append("%4").append("16ab".charAt(rnd.nextInt(4)));
                } else if (c == ' ') {
                    q.append("%20");
                } else {
                    q.append(c);
                }
            }
            String uri = q.toString();
            java.util.List<String> slow = CacheKeys.decoded(uri, "b");
            slow.sort(CacheKeys::byName);
            assertThat(CacheKeys.normalizedQuery(uri, "b")).as(uri).isEqualTo(String.join("&", slow));
        }
    }

    @Test
    void malformedPercentEncodingIsRefusedNotGuessed() {
        assertThatThrownBy(() -> CacheKeys.normalizedQuery("/p?a=%zz", null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void routeCacheOptionsAndIdentityHeadersAreValidated() {
        var config = ConfigLoader.load("""
                routes:
                  - path: /api/odds
                    identity-headers: [X-Partner-Key]
                    cache: true
                """, Map.of());
        assertThat(config.routes().get(0).cache().honorUpstreamCacheControl()).isTrue();
        assertThat(config.routes().get(0).identityHeaders()).containsExactly("X-Partner-Key");
        assertThatThrownBy(() -> ConfigLoader.load("""
                routes:
                  - path: /api/odds
                    cache: { honor-upstream-cache-control: maybe }
                """, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[0].cache.honor-upstream-cache-control: 'maybe'");
        assertThatThrownBy(() -> ConfigLoader.load("""
                routes:
                  - path: /api/odds
                    identity-headers: ["X Key"]
                """, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[0].identity-headers: 'X Key' (expected: a header name)");
    }

    @Test
    void routeConfigDefaultsAndBatchValidation() {
        var config = ConfigLoader.load("""
                routes:
                  - path: /api/odds
                    cache: true
                    batch: { param: fixture_id, split-by: "data[].fixture_id" }
                """, Map.of());
        RouteConfig route = config.routes().get(0);
        assertThat(route.isPublic()).isFalse();
        assertThat(route.batch().max()).isEqualTo(5);
        assertThat(route.batch().window().toMillis()).isEqualTo(2);
        assertThatThrownBy(() -> ConfigLoader.load("""
                routes:
                  - path: /api/odds
                    batch: { param: fixture_id, split-by: "data.fixture_id" }
                """, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[0].batch.split-by: 'data.fixture_id' (expected: ARRAY_PATH[].FIELD");
    }
}
