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
package dev.levee.core.cache;

import dev.levee.core.coalesce.FlightCoordinator;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.time.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link CacheLoad} seam as a shared-tier coordinator uses it: the cache's fetch is a CacheLoad; an adopted
 * entry is stored with its own times and reported as HIT/STALE with its real age; an adopted error is recorded as a
 * local failure would be (stale-if-error, remembered error).
 */
class CacheLoadTest {
    private static final CachePolicy POLICY = new CachePolicy(Duration.ofSeconds(5), Duration.ofSeconds(60),
            Duration.ofSeconds(2));

    private final ManualTicker time = new ManualTicker();
    private final AtomicReference<Function<CacheLoad<String>, CompletionStage<String>>> tier = new AtomicReference<>();
    private final AtomicInteger loads = new AtomicInteger();

    @SuppressWarnings("unchecked")
    private final FlightCoordinator<String, String> coordinator = (key, fetch) ->
            tier.get() == null ? fetch.get() : tier.get().apply((CacheLoad<String>) (Object) fetch);
    private final SwrCache<String, String> cache = SwrCache.<String, String>builder().ticker(time)
            .coalescer(RequestCoalescer.<String, String>builder().ticker(time).scheduler(time)
                    .coordinator(coordinator).build())
            .build();

    private CompletableFuture<CacheResult<String>> read() {
        return cache.get("k", POLICY, () -> CompletableFuture.completedFuture("local-" + loads.incrementAndGet()));
    }

    @Test
    void theFetchIsACacheLoadAndAnAdoptedEntryKeepsItsTimes() {
        long now = time.epochMillis();
        // another instance loaded it 3 s ago
        CacheEntry<String> shared = new CacheEntry<>("shared", now - 3000, now + 2000, now + 62_000, null, 0);
        AtomicReference<CacheLoad<String>> seen = new AtomicReference<>();
        tier.set(load -> {
            seen.set(load);
            return CompletableFuture.completedFuture(load.adopt(shared));
        });
        CacheResult<String> r = read().join();
        assertThat(seen.get().refresh()).isFalse();
        assertThat(seen.get().policy()).isEqualTo(POLICY);
        assertThat(r.value()).isEqualTo("shared");
        assertThat(r.status()).isEqualTo(CacheStatus.HIT);
        assertThat(r.age()).isEqualTo(Duration.ofSeconds(3));
        assertThat(cache.peek("k")).isEqualTo(shared);
        assertThat(loads).hasValue(0);

        // fresh ends when the other instance's entry says, not 5 s after we adopted it
        time.advance(Duration.ofSeconds(2));
        tier.set(load -> {
            seen.set(load);
            return load.get();
        });
        CacheResult<String> stale = read().join();
        assertThat(stale.status()).isEqualTo(CacheStatus.STALE);
        assertThat(seen.get().refresh()).as("the background refresh").isTrue();
        assertThat(loads).hasValue(1);
    }

    @Test
    void entryForGivesTheTimesTheLocalStoreGot() {
        AtomicReference<CacheEntry<String>> published = new AtomicReference<>();
        tier.set(load -> load.get().thenApply(v -> {
            time.advance(Duration.ofMillis(7)); // publishing happens a little later
            published.set(load.entryFor(v, time.epochMillis()));
            return v;
        }));
        CacheResult<String> r = read().join();
        assertThat(r.status()).isEqualTo(CacheStatus.MISS);
        assertThat(published.get()).isEqualTo(cache.peek("k"));
    }

    @Test
    void anAdoptedErrorIsRecordedAsALocalFailure() {
        read().join(); // local-1, fresh 5 s
        time.advance(Duration.ofSeconds(6));
        tier.set(load -> CompletableFuture.failedFuture(load.adoptError(new IllegalStateException("upstream 503"))));
        assertThat(read().join().status()).isEqualTo(CacheStatus.STALE); // starts the refresh, which fails
        CacheResult<String> r = read().join();
        assertThat(r.status()).isEqualTo(CacheStatus.STALE_IF_ERROR);
        assertThat(r.staleError()).hasMessage("upstream 503");
        assertThat(cache.stats().loadFailures()).isEqualTo(1);
    }
}
