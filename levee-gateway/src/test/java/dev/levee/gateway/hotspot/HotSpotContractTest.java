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

import dev.levee.core.time.ManualTicker;
import dev.levee.gateway.GatewayFeature;
import dev.levee.gateway.ops.HealthReport;
import dev.levee.gateway.testing.GatewayExtension;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link HotSpotFeature#GUARDED} contract: a request another handler already marked (it holds a slot, or was
 * served through the read path's hot-spot stage) is not counted again; an unmarked request on a hot-spot route is counted once
 * by the route guard; requests on other routes and requests without a key are not limited.
 */
class HotSpotContractTest {
    private final ManualTicker time = new ManualTicker();
    private final QuotaUpstream upstream = new QuotaUpstream(time, 2, Duration.ofSeconds(10));

    /** Stands in for a read path that took care of the hot-spot window itself. */
    static final class MarkingFeature implements GatewayFeature {
        @Override
        public String name() {
            return "marker";
        }

        @Override
        public void mountGuards(Router router) {
            router.route().handler(ctx -> {
                if (ctx.request().getHeader("X-Test-Guarded") != null) {
                    ctx.put(HotSpotFeature.GUARDED, Boolean.TRUE);
                }
                ctx.next();
            });
        }

        @Override
        public HealthReport health() {
            return HealthReport.up(Map.of());
        }
    }

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> {
                r.get("/odds").handler(upstream::handle);
                r.get("/other").handler(ctx -> ctx.end("other"));
            })
            .config("""
                    routes:
                      - path: /odds
                        public: false
                        hot-spot: { key: "query:fixture_id", limit: 2, window: 10s, queue: 0 }
                    """)
            .ticker(time)
            .scheduler(time)
            .features(List.of(ctx -> new MarkingFeature(), HotSpotFeature::new))
            .build();

    @Test
    void markedRequestsAreNotCountedAgainAndUnmarkedOnesAreCountedOnce() throws Exception {
        var limiter = gw.gateway().feature(HotSpotFeature.class).limiter("/odds");
        assertThat(gw.get("/odds?fixture_id=1").statusCode()).isEqualTo(200);
        assertThat(gw.get("/odds?fixture_id=1").statusCode()).isEqualTo(200);
        var third = gw.get("/odds?fixture_id=1");
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("Retry-After")).contains("10");
        assertThat(limiter.snapshot(1).requests()).isEqualTo(3);
        assertThat(upstream.rejected()).isZero();

        // marked as already guarded: passes to the proxy, not counted (here the upstream's own quota answers)
        assertThat(gw.get("/odds?fixture_id=1", "X-Test-Guarded", "1").statusCode()).isEqualTo(429);
        assertThat(upstream.rejected()).isEqualTo(1);
        assertThat(limiter.snapshot(1).requests()).isEqualTo(3);

        // other routes and key-less requests are not limited
        for (int i = 0; i < 5; i++) {
            assertThat(gw.get("/other").statusCode()).isEqualTo(200);
        }
        assertThat(limiter.snapshot(1).requests()).isEqualTo(3);
        time.advance(Duration.ofSeconds(10));
        assertThat(gw.get("/odds?fixture_id=1").statusCode()).isEqualTo(200);
        assertThat(limiter.snapshot(1).granted()).isEqualTo(3);
    }
}
