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

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class KeyExtractorTest {
    record Req(String path, Map<String, String> query, Map<String, String> headers) implements KeyExtractor.Request {
        public String queryParam(String name) {
            return query.get(name);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    private final Req req = new Req("/api/v3/fixtures/42/odds", Map.of("fixture_id", "77"), Map.of("x-fixture", "99"));

    @Test
    void extractsFromQueryPathAndHeader() {
        assertThat(KeyExtractor.parse("query:fixture_id").extract(req)).isEqualTo("77");
        assertThat(KeyExtractor.parse("path:3").extract(req)).isEqualTo("42");
        assertThat(KeyExtractor.parse("path:0").extract(req)).isEqualTo("api");
        assertThat(KeyExtractor.parse("header:X-Fixture").extract(req)).isEqualTo("99");
    }

    @Test
    void missingPartsGiveNoKey() {
        assertThat(KeyExtractor.parse("query:other").extract(req)).isNull();
        assertThat(KeyExtractor.parse("path:9").extract(req)).isNull();
        assertThat(KeyExtractor.parse("header:none").extract(req)).isNull();
    }

    @Test
    void badSpecsAreRejectedWithTheSpec() {
        for (String bad : new String[] {"cookie:x", "query:", "path:x", "path:-1", "fixture_id"}) {
            assertThat(catchThrowable(() -> KeyExtractor.parse(bad))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
    }
}
