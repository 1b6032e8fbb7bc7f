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

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestTargetsTest {

    @Test
    void canonicalPathsAreLeftAsTheyAre() {
        for (String p : new String[] {"/", "/api/v3/fixtures/odds", "/a/b/", "/a/.well-known/x", "/a/..b/c"}) {
            assertThat(RequestTargets.canonicalPath(p)).isSameAs(p);
        }
    }

    @Test
    void spellingsOfOnePathAreOne() {
        assertThat(RequestTargets.canonicalPath("/api/v3/fixtures/%6Fdds")).isEqualTo("/api/v3/fixtures/odds");
        assertThat(RequestTargets.canonicalPath("//api//v3/./fixtures/x/../odds")).isEqualTo("/api/v3/fixtures/odds");
        assertThat(RequestTargets.canonicalPath("/fixtures/19%30")).isEqualTo("/fixtures/190");
        assertThat(RequestTargets.canonicalPath("/a/%2e%2e/b")).isEqualTo("/b");
        assertThat(RequestTargets.canonicalPath("/../../a")).isEqualTo("/a");
        assertThat(RequestTargets.canonicalPath("/a/.")).isEqualTo("/a/");
        assertThat(RequestTargets.canonicalPath("/a/b/..")).isEqualTo("/a/");
        assertThat(RequestTargets.canonicalPath("/..")).isEqualTo("/");
        assertThat(RequestTargets.canonicalPath("/a//")).isEqualTo("/a/");
    }

    @Test
    void reservedAndOtherEncodingsStayEncodedInUpperCase() {
        assertThat(RequestTargets.canonicalPath("/a/x%2fy")).isEqualTo("/a/x%2Fy");
        assertThat(RequestTargets.canonicalPath("/a/b%20c")).isEqualTo("/a/b%20c");
        assertThat(RequestTargets.canonicalPath("/a/%3b%25")).isEqualTo("/a/%3B%25");
        assertThat(RequestTargets.canonicalPath("/a/100%")).isEqualTo("/a/100%"); // a stray % stays
        assertThat(RequestTargets.canonicalPath("*")).isEqualTo("*");
    }

    @Test
    void canonicalUriKeepsTheQueryAsSent() {
        assertThat(RequestTargets.canonicalUri("/a/./b", "/a/./b?x=1;y&z=%32")).isEqualTo("/a/b?x=1;y&z=%32");
        assertThat(RequestTargets.canonicalUri("/a", "/a")).isEqualTo("/a");
    }

    @Test
    void queryParametersKeepSemicolonsAndOrder() {
        var p = RequestTargets.queryParameters("/x?lang=en;q=1&id=19%30&lang=de&fixture%5Fid=1+2");
        assertThat(p.get("lang")).containsExactly("en;q=1", "de");
        assertThat(p.get("id")).containsExactly("190");
        assertThat(p.get("fixture_id")).containsExactly("1 2");
        assertThat(RequestTargets.queryParameters("/x")).isEmpty();
        StringBuilder many = new StringBuilder("/x?");
        for (int i = 0; i < 2000; i++) {
            many.append("a").append(i).append("=1&");
        }
        many.append("last=yes");
        assertThat(RequestTargets.queryParameters(many.toString()).get("last")).isEqualTo(List.of("yes"));
        assertThatThrownBy(() -> RequestTargets.queryParameters("/x?a=%zz"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
