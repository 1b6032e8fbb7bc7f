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
package dev.levee.gateway;

import dev.levee.gateway.chain.Stage;
import dev.levee.gateway.hotspot.HotSpotFeature;
import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The request chain as Assembly declares it: every stage, in request order, once; absent features leave theirs out. */
class AssemblyTest {
    @RegisterExtension
    static final GatewayExtension all = GatewayExtension.builder()
            .config("""
                    upstream: { url: "${upstream}" }
                    routes:
                      - path: /odds
                        hot-spot: { key: "query:fixture_id", limit: 5, window: 60s }
                    """)
            .build();

    @RegisterExtension
    static final GatewayExtension bare = GatewayExtension.builder()
            .config("upstream: { url: \"${upstream}\" }")
            .features(List.of(HotSpotFeature::new))
            .build();

    @Test
    void everyFeatureGivesTheFullChainInRequestOrder() {
        assertThat(all.gateway().stages()).containsExactly(Stage.METRICS, Stage.REQUEST_ID, Stage.OPS, Stage.ROUTE_MATCH,
                Stage.WARMING, Stage.AUTHENTICATION, Stage.ADMISSION, Stage.EVENTS, Stage.READ_PATH,
                Stage.HOT_SPOT_PROXY, Stage.PROXY);
    }

    @Test
    void aGatewayWithoutTheirFeaturesLeavesTheirStagesOut() {
        // the proxy guard stays with its feature though no route has a hot-spot block yet: a reload may add one
        assertThat(bare.gateway().stages()).containsExactly(Stage.METRICS, Stage.REQUEST_ID, Stage.OPS, Stage.ROUTE_MATCH,
                Stage.WARMING, Stage.HOT_SPOT_PROXY, Stage.PROXY);
    }
}
