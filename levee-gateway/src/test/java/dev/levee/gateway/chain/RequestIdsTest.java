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
package dev.levee.gateway.chain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestIdsTest {
    @Test
    void wellFormedIsOneTo128OfTheAllowedCharacters() {
        assertThat(RequestIds.wellFormed("a")).isTrue();
        assertThat(RequestIds.wellFormed("Az09._:-")).isTrue();
        assertThat(RequestIds.wellFormed("x".repeat(128))).isTrue();
        assertThat(RequestIds.wellFormed("x".repeat(129))).isFalse();
        assertThat(RequestIds.wellFormed("")).isFalse();
        assertThat(RequestIds.wellFormed(null)).isFalse();
        for (String bad : new String[] {"a b", "a\nb", "a;b", "a/b", "ü", "a\"b", "{x}"}) {
            assertThat(RequestIds.wellFormed(bad)).as(bad).isFalse();
        }
    }

    @Test
    void generatedIdsAre32HexDigitsAndWellFormed() {
        String id = RequestIds.generate();
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(RequestIds.wellFormed(id)).isTrue();
        assertThat(RequestIds.generate()).isNotEqualTo(id);
    }
}
