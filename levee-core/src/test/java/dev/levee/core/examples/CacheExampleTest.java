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

import dev.levee.core.cache.CachePolicy;
import dev.levee.core.cache.CacheResult;
import dev.levee.core.cache.CacheStatus;
import dev.levee.core.cache.SwrCache;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.time.ManualTicker;
import dev.levee.core.time.Scheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** README "Use it as a library": stale-while-revalidate cache. */
class CacheExampleTest {
    private final ManualTicker ticker = new ManualTicker();
    private final Scheduler scheduler = ticker;
    private final OddsClient client = new OddsClient();

    @Test
    void missThenHitWhileFreshThenStaleWithOneBackgroundRefresh() {
        RequestCoalescer<String, String> coalescer = RequestCoalescer.<String, String>builder()
                .ticker(ticker).scheduler(scheduler).build();
        // README:begin cache
        SwrCache<String, String> cache = SwrCache.<String, String>builder()
                .coalescer(coalescer)              // concurrent loads of one key share one upstream call
                .maxEntries(10_000)
                .ticker(ticker)
                .build();
        // fresh 5 s, then served stale for 30 s more while one refresh runs; errors remembered 1 s
        CachePolicy policy = new CachePolicy(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(1));

        CacheResult<String> odds = cache.get("fixture-42", policy, () -> client.fetchOdds(42)).join();
        // odds.status(): MISS now, HIT for 5 s, then STALE (answered at once, refreshed in the background)
        // README:end cache
        assertThat(odds.status()).isEqualTo(CacheStatus.MISS);
        assertThat(odds.value()).isEqualTo("odds of 42 #1");

        ticker.advance(Duration.ofSeconds(4));
        CacheResult<String> hit = cache.get("fixture-42", policy, () -> client.fetchOdds(42)).join();
        assertThat(hit.status()).isEqualTo(CacheStatus.HIT);
        assertThat(client.calls).hasValue(1);

        ticker.advance(Duration.ofSeconds(2));
        CacheResult<String> stale = cache.get("fixture-42", policy, () -> client.fetchOdds(42)).join();
        assertThat(stale.status()).isEqualTo(CacheStatus.STALE);
        assertThat(stale.value()).isEqualTo("odds of 42 #1");
        assertThat(client.calls).hasValue(2); // the background refresh
        assertThat(cache.get("fixture-42", policy, () -> client.fetchOdds(42)).join())
                .extracting(CacheResult::status, CacheResult::value)
                .containsExactly(CacheStatus.HIT, "odds of 42 #2");
    }
}
