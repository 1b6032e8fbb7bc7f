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

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chain's order is data, checked at build time: out of order or twice fails with both stages named. */
class RequestChainTest {
    private static Filter at(Stage stage) {
        return Filter.of(stage, ctx -> ctx.next());
    }

    @Test
    void keepsTheDeclaredOrderAndLeavesOutAbsentStages() {
        RequestChain chain = RequestChain.of(List.of(at(Stage.METRICS), at(Stage.OPS), at(Stage.READ_PATH),
                at(Stage.PROXY)));
        assertThat(chain.stages()).containsExactly(Stage.METRICS, Stage.OPS, Stage.READ_PATH, Stage.PROXY);
    }

    @Test
    void aStageOutOfOrderFailsTheBuild() {
        assertThatThrownBy(() -> RequestChain.of(List.of(at(Stage.METRICS), at(Stage.ADMISSION),
                at(Stage.AUTHENTICATION))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("request chain: AUTHENTICATION declared after ADMISSION (expected: stages in "
                        + "the order [METRICS, REQUEST_ID, OPS, TRACING, ROUTE_MATCH, WARMING, AUTHENTICATION, ADMISSION, EVENTS, "
                        + "READ_PATH, HOT_SPOT_PROXY, PROXY], each at most once)");
    }

    @Test
    void aStageTwiceFailsTheBuild() {
        assertThatThrownBy(() -> RequestChain.of(List.of(at(Stage.METRICS), at(Stage.PROXY), at(Stage.PROXY))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("request chain: PROXY appears twice");
    }

    @Test
    void anExtraFilterGoesToItsStageAndMayNotTakeAnOccupiedOne() {
        RequestChain chain = RequestChain.of(List.of(at(Stage.METRICS), at(Stage.ADMISSION), at(Stage.PROXY)));
        assertThat(chain.with(List.of(at(Stage.READ_PATH))).stages())
                .containsExactly(Stage.METRICS, Stage.ADMISSION, Stage.READ_PATH, Stage.PROXY);
        assertThatThrownBy(() -> chain.with(List.of(at(Stage.ADMISSION))))
                .hasMessageStartingWith("request chain: ADMISSION appears twice");
    }
}
