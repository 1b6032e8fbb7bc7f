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

import dev.levee.core.breaker.UpstreamBreaker;
import dev.levee.core.breaker.Verdict;
import dev.levee.core.cache.CachePolicy;
import dev.levee.core.cache.CacheResult;
import dev.levee.core.cache.CacheStatus;
import dev.levee.core.cache.SwrCache;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.readpath.ReadPath;
import dev.levee.core.time.ManualTicker;
import dev.levee.core.time.Scheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** README "Use it as a library": the read path, every primitive composed in the gateway's order. */
class ReadPathExampleTest {
    private final ManualTicker ticker = new ManualTicker();
    private final Scheduler scheduler = ticker;
    private final OddsClient client = new OddsClient();

    @Test
    void concurrentReadsShareOneCallOneSlotOneOutcomeAndTheNextReadIsAHit() {
        RequestCoalescer<String, String> coalescer = RequestCoalescer.<String, String>builder()
                .ticker(ticker).scheduler(scheduler).build();
        SwrCache<String, String> cache = SwrCache.<String, String>builder()
                .coalescer(coalescer).ticker(ticker).build();
        HotSpotLimiter limiter = HotSpotLimiter.builder()
                .limit(50).window(Duration.ofSeconds(60)).ticker(ticker).scheduler(scheduler).build();
        UpstreamBreaker breaker = UpstreamBreaker.builder("odds-feed").ticker(ticker).scheduler(scheduler).build();
        CachePolicy policy = new CachePolicy(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(1));
        client.hold();
        // README:begin read-path
        ReadPath<String, String> odds = ReadPath.<String, String>builder()
                .cache(cache, policy)                        // served fresh, stale, or stale-if-error
                .hotSpot(limiter, key -> List.of(key))       // the fixtures a load spends one call of
                .breaker(breaker, body -> Verdict.SUCCESS)   // judges each load's answer
                .build();

        CompletableFuture<CacheResult<String>> first = odds.get("fixture-42", () -> client.fetchOdds(42));
        CompletableFuture<CacheResult<String>> second = odds.get("fixture-42", () -> client.fetchOdds(42));
        // one upstream call, one hot-spot slot and one breaker outcome for both; a hit afterwards costs none
        // README:end read-path
        client.answerHeld("odds of 42");
        assertThat(first.join().status()).isEqualTo(CacheStatus.MISS);
        assertThat(second.join().status()).isEqualTo(CacheStatus.COALESCED);
        assertThat(second.join().value()).isEqualTo("odds of 42");
        assertThat(client.calls).hasValue(1);
        assertThat(limiter.snapshot(1).granted()).isEqualTo(1);
        assertThat(breaker.stats().successes()).isEqualTo(1);

        CacheResult<String> hit = odds.get("fixture-42", () -> client.fetchOdds(42)).join();
        assertThat(hit.status()).isEqualTo(CacheStatus.HIT);
        assertThat(client.calls).hasValue(1);
        assertThat(limiter.snapshot(1).granted()).isEqualTo(1);
        limiter.close();
    }
}
