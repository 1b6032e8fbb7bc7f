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

import dev.levee.core.breaker.BreakerOpenException;
import dev.levee.core.breaker.BreakerState;
import dev.levee.core.breaker.UpstreamBreaker;
import dev.levee.core.breaker.Verdict;
import dev.levee.core.time.ManualTicker;
import dev.levee.core.time.Scheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** README "Use it as a library": upstream breaker. */
class BreakerExampleTest {
    private final ManualTicker ticker = new ManualTicker();
    private final Scheduler scheduler = ticker;
    private final OddsClient client = new OddsClient();

    @Test
    void failingAnswersOpenItThenCallsFailAtOnceUntilTheOpenTimeIsOver() {
        client.status = 503;
        // README:begin breaker
        UpstreamBreaker breaker = UpstreamBreaker.builder("odds-feed")
                .failureRateThreshold(50).minimumCalls(10).windowSize(20)   // >= 50 % of the last 10..20 calls
                .openFor(Duration.ofSeconds(10))
                .ticker(ticker).scheduler(scheduler)
                .build();

        CompletableFuture<OddsClient.Reply> reply = breaker.execute(() -> client.get("/odds/42"),
                r -> r.status() >= 500 ? Verdict.FAILURE : Verdict.SUCCESS);
        // an upstream 500 still reaches the caller; while open, execute fails at once with BreakerOpenException
        // README:end breaker
        assertThat(reply.join().status()).isEqualTo(503);
        for (int i = 2; i <= 10; i++) {
            breaker.execute(() -> client.get("/odds/42"), r -> r.status() >= 500 ? Verdict.FAILURE : Verdict.SUCCESS);
        }
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);

        assertThatThrownBy(() -> breaker.execute(() -> client.get("/odds/42"), r -> Verdict.SUCCESS).join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(BreakerOpenException.class, e -> {
                    assertThat(e.suggestedStatus()).isEqualTo(503);
                    assertThat(e.reason().code()).isEqualTo("circuit_open");
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(10));
                });
        assertThat(client.calls).hasValue(10);

        ticker.advance(Duration.ofSeconds(10));
        client.status = 200;
        assertThat(breaker.execute(() -> client.get("/odds/42"), r -> Verdict.SUCCESS).join().status())
                .isEqualTo(200);
        assertThat(breaker.state()).isEqualTo(BreakerState.HALF_OPEN);
    }
}
