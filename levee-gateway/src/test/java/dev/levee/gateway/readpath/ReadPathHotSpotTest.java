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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.core.time.ManualTicker;
import dev.levee.gateway.hotspot.HotSpotFeature;
import dev.levee.gateway.hotspot.Warming;
import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read path's hot-spot stage is the hot-spot feature's limiter of the route, handed over at construction: a
 * load spends one slot of the request's key, a hit none; a read without a key is counted as unkeyed; the warming
 * header never reaches the upstream.
 */
class ReadPathHotSpotTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Queue<String> upstreamSeen = new ConcurrentLinkedQueue<>();
    private static final ManualTicker time = new ManualTicker();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.get("/odds").handler(ctx -> {
                upstreamSeen.add(ctx.request().uri() + " warm=" + ctx.request().getHeader(Warming.HEADER));
                ctx.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
            }))
            .ticker(time)
            .scheduler(time)
            .features(List.of(HotSpotFeature::new, ReadPathFeature::new))
            .config("""
                    routes:
                      - path: /odds
                        cache: { fresh: 10s, stale: 60s }
                        hot-spot: { key: "query:fixture_id", limit: 5, window: 60s, queue: 0 }
                    """)
            .build();

    private JsonNode totals() throws Exception {
        return JSON.readTree(gw.admin("/health/hot-spots").body()).get("totals");
    }

    private HttpResponse<String> get(String pathAndQuery, String warm) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gw.uri(pathAndQuery));
        if (warm != null) {
            b.header(Warming.HEADER, warm);
        }
        return gw.send(b.build());
    }

    @Test
    void aLoadSpendsItsKeysSlotAHitNoneAndAReadWithoutAKeyIsCountedAsUnkeyed() throws Exception {
        assertThat(get("/odds?fixture_id=7", Warming.token()).headers().firstValue("X-Cache"))
                .hasValue("MISS");
        assertThat(get("/odds?fixture_id=7", null).headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(get("/odds?fixture_id=7", null).headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(totals().get("calls_in_window").asInt()).isEqualTo(1);
        assertThat(totals().get("granted").asInt()).isEqualTo(1);

        assertThat(get("/odds?other=1", null).statusCode()).isEqualTo(200);
        assertThat(get("/odds?other=1", null).headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(totals().get("unkeyed_requests").asInt()).as("one load without a key").isEqualTo(1);
        assertThat(totals().get("calls_in_window").asInt()).isEqualTo(1);

        assertThat(upstreamSeen).containsExactly("/odds?fixture_id=7 warm=null", "/odds?other=1 warm=null");
    }
}
