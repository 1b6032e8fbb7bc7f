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
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamCachingTest {
    private static final CachePolicy ROUTE = new CachePolicy(Duration.ofSeconds(30), Duration.ofSeconds(60),
            Duration.ofSeconds(1));

    private static MultiMap headers(String... nameValues) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < nameValues.length; i += 2) {
            h.add(nameValues[i], nameValues[i + 1]);
        }
        return h;
    }

    private static UpstreamCaching.Directives cc(String value) {
        return UpstreamCaching.directives(headers("Cache-Control", value));
    }

    @Test
    void directivesAreMatchedWholeAndCaseInsensitively() {
        assertThat(cc("No-Store").noStore()).isTrue();
        assertThat(cc("public, NO-CACHE").noCache()).isTrue();
        assertThat(cc("private").isPrivate()).isTrue();
        assertThat(cc("no-store-foo, x-private, no-cachex")).isEqualTo(UpstreamCaching.Directives.NONE);
        // a quoted argument may hold commas and directive names
        UpstreamCaching.Directives quoted = cc("ext=\"no-store, private\", max-age=5");
        assertThat(quoted.noStore()).isFalse();
        assertThat(quoted.isPrivate()).isFalse();
        assertThat(quoted.maxAge()).isEqualTo(5);
        // qualified forms count as the unqualified ones (stores less)
        assertThat(cc("no-cache=\"Set-Cookie\"").noCache()).isTrue();
        assertThat(cc("private=\"X-User\"").isPrivate()).isTrue();
        assertThat(cc("must-revalidate").mustRevalidate()).isTrue();
        assertThat(cc("proxy-revalidate").mustRevalidate()).isTrue();
        // several header lines are one list
        assertThat(UpstreamCaching.directives(headers("Cache-Control", "public", "Cache-Control", "no-store"))
                .noStore()).isTrue();
    }

    @Test
    void lifetimesPreferSMaxAgeAndTreatInvalidOnesAsZero() {
        assertThat(cc("max-age=60, s-maxage=10").sharedLifetime()).isEqualTo(10);
        assertThat(cc("max-age=60").sharedLifetime()).isEqualTo(60);
        assertThat(cc("public").sharedLifetime()).isEqualTo(UpstreamCaching.ABSENT);
        assertThat(cc("max-age=\"7\"").maxAge()).isEqualTo(7);
        assertThat(cc("max-age=abc").maxAge()).isZero();
        assertThat(cc("max-age=-1").maxAge()).isZero();
        assertThat(cc("max-age").maxAge()).isZero();
        assertThat(cc("max-age=5, max-age=50").maxAge()).isZero(); // conflicting duplicates are invalid
        assertThat(cc("max-age=99999999999999999999999").maxAge()).isEqualTo(1L << 31);
    }

    @Test
    void tooManyDirectivesAreNotTrusted() {
        String many = "a,".repeat(UpstreamCaching.MAX_DIRECTIVES) + "max-age=60";
        assertThat(cc(many)).isEqualTo(UpstreamCaching.Directives.UNREADABLE);
        assertThat(UpstreamCaching.forbidsStoring(headers("Cache-Control", many))).isTrue();
    }

    @Test
    void whatIsNeverStored() {
        for (String v : new String[] {"no-store", "no-cache", "private", "max-age=0", "s-maxage=0, max-age=60",
                "max-age=abc"}) {
            assertThat(UpstreamCaching.forbidsStoring(headers("Cache-Control", v))).as(v).isTrue();
        }
        assertThat(UpstreamCaching.forbidsStoring(headers("Cache-Control", "max-age=10", "Age", "10"))).isTrue();
        assertThat(UpstreamCaching.forbidsStoring(headers("Cache-Control", "public, max-age=10", "Age", "3")))
                .isFalse();
        assertThat(UpstreamCaching.forbidsStoring(headers())).isFalse();
    }

    @Test
    void theUpstreamCanShortenFreshButNeverLengthenIt() {
        CachePolicy shorter = UpstreamCaching.policyFor(headers("Cache-Control", "max-age=60, s-maxage=10"), ROUTE);
        assertThat(shorter.fresh()).isEqualTo(Duration.ofSeconds(10));
        assertThat(shorter.stale()).isEqualTo(ROUTE.stale());
        assertThat(UpstreamCaching.policyFor(headers("Cache-Control", "max-age=3600"), ROUTE)).isSameAs(ROUTE);
        assertThat(UpstreamCaching.policyFor(headers(), ROUTE)).isSameAs(ROUTE);
        assertThat(UpstreamCaching.policyFor(headers("Cache-Control", "max-age=20", "Age", "5"), ROUTE).fresh())
                .isEqualTo(Duration.ofSeconds(15));
        CachePolicy revalidate = UpstreamCaching.policyFor(headers("Cache-Control", "max-age=60, must-revalidate"),
                ROUTE);
        assertThat(revalidate.fresh()).isEqualTo(ROUTE.fresh());
        assertThat(revalidate.stale()).isZero();
    }

    @Test
    void varyNamesOrStarOrUnusable() {
        assertThat(UpstreamCaching.vary(headers())).isEmpty();
        assertThat(UpstreamCaching.vary(headers("Vary", "Accept-Language, accept-encoding", "Vary", "X-A")))
                .containsExactly("accept-encoding", "accept-language", "x-a");
        assertThat(UpstreamCaching.vary(headers("Vary", "*"))).isNull();
        assertThat(UpstreamCaching.vary(headers("Vary", "Accept, *"))).isNull();
        assertThat(UpstreamCaching.vary(headers("Vary", "a b"))).isNull();
        assertThat(UpstreamCaching.vary(headers("Vary", "h1,h2,h3,h4,h5,h6,h7,h8,h9"))).isNull();
        assertThat(UpstreamCaching.vary(headers("Vary", " , "))).isEmpty();
    }
}
