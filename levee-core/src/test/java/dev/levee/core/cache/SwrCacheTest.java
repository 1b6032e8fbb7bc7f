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

import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.time.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SwrCacheTest {
    private static final CachePolicy POLICY = new CachePolicy(Duration.ofSeconds(5), Duration.ofSeconds(60),
            Duration.ofSeconds(1));

    private final ManualTicker time = new ManualTicker();
    private final RequestCoalescer<String, String> coalescer = RequestCoalescer.<String, String>builder()
            .ticker(time).scheduler(time).maxWait(Duration.ofSeconds(5)).build();
    private final SwrCache<String, String> cache = SwrCache.<String, String>builder().ticker(time)
            .coalescer(coalescer).weigher(String::length).build();

    private final AtomicInteger loads = new AtomicInteger();
    private final List<CompletableFuture<String>> pending = new ArrayList<>();

    private CompletableFuture<String> nextLoad() {
        loads.incrementAndGet();
        CompletableFuture<String> f = new CompletableFuture<>();
        pending.add(f);
        return f;
    }

    private CompletableFuture<CacheResult<String>> read() {
        return cache.get("k", POLICY, this::nextLoad);
    }

    @Test
    void missCoalescesThenHitsWhileFresh() {
        var leader = read();
        var follower = read();
        assertThat(loads).hasValue(1);
        pending.get(0).complete("v1");
        assertThat(leader.join().status()).isEqualTo(CacheStatus.MISS);
        assertThat(follower.join().status()).isEqualTo(CacheStatus.COALESCED);
        assertThat(follower.join().value()).isSameAs(leader.join().value());
        time.advance(Duration.ofSeconds(3));
        CacheResult<String> hit = read().join();
        assertThat(hit.status()).isEqualTo(CacheStatus.HIT);
        assertThat(hit.age()).isEqualTo(Duration.ofSeconds(3));
        assertThat(loads).hasValue(1);
    }

    @Test
    void theStoreIsFilledBeforeWaitersAreWoken() {
        var waiter = read();
        AtomicReference<CacheEntry<String>> seen = new AtomicReference<>();
        waiter.thenRun(() -> seen.set(cache.peek("k")));
        pending.get(0).complete("v1");
        assertThat(seen.get()).isNotNull();
        assertThat(seen.get().value()).isEqualTo("v1");
    }

    @Test
    void staleIsServedWhileExactlyOneRefreshRuns() {
        read();
        pending.get(0).complete("v1");
        time.advance(Duration.ofSeconds(6));
        CacheResult<String> s1 = read().join();
        CacheResult<String> s2 = read().join();
        assertThat(s1.status()).isEqualTo(CacheStatus.STALE);
        assertThat(s1.value()).isEqualTo("v1");
        assertThat(s2.status()).isEqualTo(CacheStatus.STALE);
        assertThat(loads).hasValue(2); // one refresh for both stale reads
        pending.get(1).complete("v2");
        CacheResult<String> after = read().join();
        assertThat(after.status()).isEqualTo(CacheStatus.HIT);
        assertThat(after.value()).isEqualTo("v2");
        assertThat(cache.stats().refreshes()).isEqualTo(1);
    }

    @Test
    void staleIsServedWhenTheRefreshFailsAndTheErrorIsNotRetriedWithinItsTtl() {
        read();
        pending.get(0).complete("v1");
        time.advance(Duration.ofSeconds(6));
        assertThat(read().join().status()).isEqualTo(CacheStatus.STALE);
        RuntimeException boom = new RuntimeException("upstream 503");
        pending.get(1).completeExceptionally(boom);
        CacheResult<String> sie = read().join();
        assertThat(sie.status()).isEqualTo(CacheStatus.STALE_IF_ERROR);
        assertThat(sie.value()).isEqualTo("v1");
        assertThat(sie.staleError()).isSameAs(boom);
        assertThat(loads).hasValue(2); // error remembered: no new load yet
        time.advance(Duration.ofMillis(1_300)); // past the jittered error TTL (<= 1.2 s)
        assertThat(read().join().status()).isEqualTo(CacheStatus.STALE_IF_ERROR);
        assertThat(loads).hasValue(3);
        pending.get(2).complete("v3");
        assertThat(read().join()).extracting(CacheResult::status, CacheResult::value)
                .containsExactly(CacheStatus.HIT, "v3");
    }

    @Test
    void nothingIsServedPastStale() {
        read();
        pending.get(0).complete("v1");
        time.advance(Duration.ofSeconds(66));
        var miss = read();
        assertThat(miss).isNotDone();
        assertThat(loads).hasValue(2);
    }

    @Test
    void errorsWithNothingServableAreCachedBrieflyWithJitter() {
        var first = read();
        var second = read();
        RuntimeException boom = new RuntimeException("upstream 500");
        pending.get(0).completeExceptionally(boom);
        assertThatThrownBy(first::join).cause().isSameAs(boom);
        assertThatThrownBy(second::join).cause().isSameAs(boom);
        CacheEntry<String> negative = cache.peek("k");
        long ttl = negative.errorUntilMillis() - time.epochMillis();
        assertThat(ttl).isBetween(800L, 1_200L);
        assertThatThrownBy(() -> read().join()).cause().isSameAs(boom);
        assertThat(loads).hasValue(1);
        assertThat(cache.stats().negativeHits()).isEqualTo(1);
        time.advance(Duration.ofMillis(1_201));
        read();
        assertThat(loads).hasValue(2);
    }

    @Test
    void nonCacheableErrorsAreNotRemembered() {
        SwrCache<String, String> c = SwrCache.<String, String>builder().ticker(time).coalescer(coalescer)
                .cacheableError(e -> !(e instanceof IllegalStateException)).build();
        var f = c.get("x", POLICY, () -> CompletableFuture.failedFuture(new IllegalStateException("breaker open")));
        assertThat(f).isCompletedExceptionally();
        assertThat(c.peek("x")).isNull();
    }

    @Test
    void valuesThatAreNotStorableReachWaitersButAreNotStored() {
        SwrCache<String, String> c = SwrCache.<String, String>builder().ticker(time).coalescer(coalescer)
                .storable(v -> !v.startsWith("private")).build();
        assertThat(c.get("x", POLICY, () -> CompletableFuture.completedFuture("private-1")).join().value())
                .isEqualTo("private-1");
        assertThat(c.peek("x")).isNull();
    }

    @Test
    void cancellingAWaiterReleasesItsSlotButNotTheLoad() {
        var a = read();
        var b = read();
        a.cancel(false);
        assertThat(coalescer.stats().currentWaiters()).isEqualTo(1);
        pending.get(0).complete("v1");
        assertThat(b.join().value()).isEqualTo("v1");
        assertThat(cache.peek("k").value()).isEqualTo("v1");
    }

    @Test
    void boundedByBytesAndByEntryCount() {
        SwrCache<String, String> bytes = SwrCache.<String, String>builder().ticker(time).coalescer(coalescer)
                .maxBytes(1_000).maxEntries(1_000).weigher(String::length).build();
        for (int i = 0; i < 50; i++) {
            bytes.get("b" + i, POLICY, () -> CompletableFuture.completedFuture("x".repeat(100))).join();
        }
        assertThat(bytes.stats().weightedBytes()).isLessThanOrEqualTo(1_000);
        assertThat(bytes.stats().entries()).isLessThanOrEqualTo(10);
        SwrCache<String, String> count = SwrCache.<String, String>builder().ticker(time).coalescer(coalescer)
                .maxBytes(1 << 20).maxEntries(10).weigher(String::length).build();
        for (int i = 0; i < 50; i++) {
            count.get("c" + i, POLICY, () -> CompletableFuture.completedFuture("y")).join();
        }
        assertThat(count.stats().entries()).isLessThanOrEqualTo(10);
        assertThat(count.stats().evictions()).isGreaterThanOrEqualTo(40);
    }

    @Test
    void policyRejectsBadValues() {
        assertThatThrownBy(() -> new CachePolicy(Duration.ZERO, Duration.ZERO, Duration.ZERO))
                .hasMessage("fresh: PT0S (expected: > 0)");
        assertThatThrownBy(() -> SwrCache.builder().maxEntries(0)).hasMessage("maxEntries: 0 (expected: > 0)");
    }

    @Test
    void aValueCanNarrowItsOwnLifetime() {
        // values starting with "short" are fresh for 1 s and never stale (an upstream max-age, must-revalidate)
        SwrCache<String, String> narrowing = SwrCache.<String, String>builder().ticker(time).coalescer(coalescer)
                .entryPolicy((v, p) -> v.startsWith("short")
                        ? new CachePolicy(Duration.ofSeconds(1), Duration.ZERO, p.errorTtl()) : p)
                .build();
        narrowing.get("s", POLICY, this::nextLoad);
        pending.get(0).complete("short-1");
        narrowing.get("l", POLICY, this::nextLoad);
        pending.get(1).complete("long-1");
        CacheEntry<String> s = narrowing.peek("s");
        assertThat(s.freshUntilMillis() - s.storedAtMillis()).isEqualTo(1_000);
        assertThat(s.staleUntilMillis()).isEqualTo(s.freshUntilMillis());
        time.advance(Duration.ofMillis(1_500));
        assertThat(narrowing.get("l", POLICY, this::nextLoad).join().status()).isEqualTo(CacheStatus.HIT);
        var expired = narrowing.get("s", POLICY, this::nextLoad);
        assertThat(expired).isNotDone(); // the narrowed entry is past it: a new load, not a stale answer
        assertThat(loads).hasValue(3);
        pending.get(2).complete("short-2");
        assertThat(expired.join().status()).isEqualTo(CacheStatus.MISS);
    }
}
