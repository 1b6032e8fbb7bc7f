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
package dev.levee.core.examples;

import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.hotspot.HotSpotRejectedException;
import dev.levee.core.time.ManualTicker;
import dev.levee.core.time.Scheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** README "Use it as a library": hot-spot limiter. */
class HotSpotExampleTest {
    private final ManualTicker ticker = new ManualTicker();
    private final Scheduler scheduler = ticker;
    private final OddsClient client = new OddsClient();

    @Test
    void atMostLimitCallsPerKeyInAnyWindowTheNextIsRejectedWithTheTimeUntilASlotFrees() {
        // README:begin hot-spot
        HotSpotLimiter limiter = HotSpotLimiter.builder()
                .limit(50).window(Duration.ofSeconds(60))   // the upstream's quota per fixture
                .queueCapacity(0)                           // over the limit: reject at once, do not queue
                .ticker(ticker).scheduler(scheduler)
                .build();

        // blocking, on a virtual thread: waits for a slot, runs the call, ends the permit
        String odds = limiter.call("fixture-42", () -> client.fetchOddsBlocking(42));
        // asynchronous: the permit ends when the call has its answer
        var next = limiter.acquire("fixture-42")
                .thenCompose(permit -> client.fetchOdds(42).whenComplete((r, e) -> permit.release()));
        // README:end hot-spot
        assertThat(odds).isEqualTo("odds of 42 #1");
        assertThat(next).isCompletedWithValue("odds of 42 #2");
        for (int i = 3; i <= 50; i++) {
            limiter.call("fixture-42", () -> client.fetchOddsBlocking(42));
        }
        assertThatThrownBy(() -> limiter.call("fixture-42", () -> client.fetchOddsBlocking(42)))
                .isInstanceOfSatisfying(HotSpotRejectedException.class, e -> {
                    assertThat(e.suggestedStatus()).isEqualTo(429);
                    assertThat(e.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(60));
                });
        assertThat(client.calls).hasValue(50);
        assertThat(limiter.call("fixture-7", () -> client.fetchOddsBlocking(7))).isEqualTo("odds of 7 #51");
        limiter.close();
    }
}
