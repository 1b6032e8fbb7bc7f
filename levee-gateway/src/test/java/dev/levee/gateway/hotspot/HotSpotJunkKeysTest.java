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

import dev.levee.core.hotspot.HotSpotSnapshot;
import dev.levee.core.time.ManualTicker;
import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A flood of junk hot-spot keys fills {@code hot-spots.max-keys}; legitimate cold keys are still served (limited
 * locally, each by its own calls), and a key is still held to its limit. Time is a manual ticker: nothing of the
 * junk goes idle during the test.
 */
class HotSpotJunkKeysTest {
    private static final String ROUTE = "/api/v3/fixtures/odds";
    private static final int MAX_KEYS = 50;
    private static final int LIMIT = 5;

    private final ManualTicker time = new ManualTicker();
    private final AtomicInteger upstreamCalls = new AtomicInteger();

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.get(ROUTE).handler(ctx -> {
                upstreamCalls.incrementAndGet();
                ctx.end("{\"fixture\":\"" + ctx.request().getParam("fixture_id") + "\"}");
            }))
            .config("""
                    routes:
                      - path: /api/v3/fixtures/odds
                        public: false
                        hot-spot: { key: "query:fixture_id", limit: 5, window: 60s, queue: 0, max-wait: 1s }
                    hot-spots: { max-keys: 50 }
                    """)
            .ticker(time)
            .scheduler(time)
            .features(List.of(HotSpotFeature::new))
            .build();

    private int get(String fixture) throws Exception {
        HttpResponse<String> r = gw.send(HttpRequest.newBuilder(gw.uri(ROUTE + "?fixture_id=" + fixture)).build());
        return r.statusCode();
    }

    @Test
    void junkKeysFillingTheTableDoNotLockOutLegitimateColdKeys() throws Exception {
        for (int i = 0; i < 4 * MAX_KEYS; i++) {           // four times the table, each junk id once
            assertThat(get("junk-" + i)).as("junk %d", i).isEqualTo(200);
        }
        HotSpotSnapshot s = gw.gateway().feature(HotSpotFeature.class).limiter(ROUTE).snapshot(1);
        assertThat(s.trackedKeys()).isEqualTo(MAX_KEYS);   // full, and nothing idle to evict
        for (int k = 0; k < 10; k++) {
            assertThat(get(String.valueOf(190 + k))).as("cold fixture %d", 190 + k).isEqualTo(200);
        }
        // limited locally is still limited: a key in the overflow gets at most its limit (the sketch only
        // overestimates; junk sharing its counters in every row may cost it a call or two, never more at this load)
        int grants = 1;
        int status;
        while ((status = get("190")) == 200) {
            grants++;
            assertThat(grants).isLessThanOrEqualTo(LIMIT);
        }
        assertThat(status).isEqualTo(429);
        assertThat(grants).isBetween(LIMIT - 3, LIMIT);
        assertThat(upstreamCalls.get()).isEqualTo(4 * MAX_KEYS + 10 + grants - 1);
    }
}
