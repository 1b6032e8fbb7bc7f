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
package dev.levee.core.readpath;

import dev.levee.core.breaker.BreakerOpenException;
import dev.levee.core.breaker.BreakerState;
import dev.levee.core.breaker.UpstreamBreaker;
import dev.levee.core.breaker.Verdict;
import dev.levee.core.cache.CachePolicy;
import dev.levee.core.cache.CacheResult;
import dev.levee.core.cache.CacheStatus;
import dev.levee.core.cache.SwrCache;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.hotspot.HotSpotRejectedException;
import dev.levee.core.hotspot.Permit;
import dev.levee.core.time.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadPathTest {
    private final ManualTicker ticker = new ManualTicker();
    private final CachePolicy policy = new CachePolicy(Duration.ofSeconds(5), Duration.ofSeconds(60),
            Duration.ofSeconds(1));
    private final AtomicInteger loads = new AtomicInteger();
    private final List<CompletableFuture<String>> held = new ArrayList<>();

    private RequestCoalescer<String, String> coalescer() {
        return RequestCoalescer.<String, String>builder().ticker(ticker).scheduler(ticker).build();
    }

    private SwrCache<String, String> cache() {
        return SwrCache.<String, String>builder().coalescer(coalescer()).ticker(ticker).build();
    }

    private HotSpotLimiter.Builder limiter() {
        return HotSpotLimiter.builder().limit(10).window(Duration.ofSeconds(10)).ticker(ticker).scheduler(ticker);
    }

    private UpstreamBreaker breaker() {
        return UpstreamBreaker.builder("odds").minimumCalls(1).windowSize(1).ticker(ticker).scheduler(ticker).build();
    }

    private CompletableFuture<String> load(String value) {
        loads.incrementAndGet();
        return CompletableFuture.completedFuture(value);
    }

    private CompletableFuture<String> heldLoad() {
        loads.incrementAndGet();
        CompletableFuture<String> f = new CompletableFuture<>();
        held.add(f);
        return f;
    }

    @Test
    void aHitNeverSpendsAHotSpotSlotNorReachesTheBreaker() {
        HotSpotLimiter limiter = limiter().build();
        UpstreamBreaker breaker = breaker();
        ReadPath<String, String> path = ReadPath.<String, String>builder().cache(cache(), policy)
                .hotSpot(limiter, List::of).breaker(breaker, v -> Verdict.SUCCESS).build();

        assertThat(path.get("42", () -> load("v1")).join().status()).isEqualTo(CacheStatus.MISS);
        ticker.advance(Duration.ofSeconds(4));
        for (int i = 0; i < 5; i++) {
            CacheResult<String> hit = path.get("42", () -> load("never")).join();
            assertThat(hit.status()).isEqualTo(CacheStatus.HIT);
            assertThat(hit.value()).isEqualTo("v1");
            assertThat(hit.age()).isEqualTo(Duration.ofSeconds(4));
        }
        assertThat(loads).hasValue(1);
        assertThat(limiter.snapshot(1).requests()).isEqualTo(1);
        assertThat(breaker.stats().successes()).isEqualTo(1);
        limiter.close();
    }

    @Test
    void coalescedCallersSpendOneSlotAndRecordOneBreakerOutcome() {
        HotSpotLimiter limiter = limiter().build();
        UpstreamBreaker breaker = breaker();
        ReadPath<String, String> path = ReadPath.<String, String>builder().coalescer(coalescer())
                .hotSpot(limiter, List::of).breaker(breaker, v -> Verdict.SUCCESS).build();

        List<CompletableFuture<CacheResult<String>>> callers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            callers.add(path.get("42", this::heldLoad));
        }
        assertThat(limiter.snapshot(1).inFlight()).isEqualTo(1);
        held.forEach(f -> f.complete("v1"));

        assertThat(callers).allSatisfy(c -> assertThat(c.join().value()).isEqualTo("v1"));
        assertThat(callers.get(0).join().status()).isEqualTo(CacheStatus.MISS);
        assertThat(callers.subList(1, 5)).allSatisfy(c -> assertThat(c.join().status()).isEqualTo(CacheStatus.COALESCED));
        assertThat(loads).hasValue(1);
        assertThat(limiter.snapshot(1).granted()).isEqualTo(1);
        assertThat(limiter.snapshot(1).inFlight()).isZero();
        assertThat(breaker.stats().successes() + breaker.stats().failures()).isEqualTo(1);
        limiter.close();
    }

    @Test
    void aRefusedSlotFailsEveryCallerOfTheFlightTheLoaderNeverRunsAndTheSlotsTakenAreRefunded() {
        HotSpotLimiter limiter = limiter().limit(1).window(Duration.ofSeconds(2)).queueCapacity(1)
                .maxWait(Duration.ofSeconds(30)).build();
        UpstreamBreaker breaker = breaker();
        ReadPath<String, String> path = ReadPath.<String, String>builder().cache(cache(), policy)
                .hotSpot(limiter, key -> List.of("a", "b")).breaker(breaker, v -> Verdict.SUCCESS).build();
        limiter.acquire("a").join().release();        // "a" is free again in 2 s: the load waits for it
        Permit b = limiter.acquire("b").join();        // "b" busy, and its one queue place taken
        CompletableFuture<Permit> bQueued = limiter.acquire("b");

        List<CompletableFuture<CacheResult<String>>> callers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            callers.add(path.get("42-and-43", () -> load("never")));
        }
        assertThat(callers).allSatisfy(c -> assertThat(c).isNotDone());
        ticker.advance(Duration.ofSeconds(2));         // "a" granted, then "b" refused: all or none

        assertThat(callers).allSatisfy(c -> assertThatThrownBy(c::join)
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(HotSpotRejectedException.class));
        assertThat(loads).hasValue(0);
        assertThat(breaker.stats().successes() + breaker.stats().failures()).isZero();
        // "a"'s slot was refunded, not spent: it is free at once
        assertThat(limiter.acquire("a")).isCompleted();
        b.release();
        bQueued.cancel(false);
        limiter.close();
    }

    @Test
    void aLoaderThatThrowsInsteadOfStartingRefundsItsSlot() {
        HotSpotLimiter limiter = limiter().limit(1).queueCapacity(0).build();
        ReadPath<String, String> path = ReadPath.<String, String>builder().hotSpot(limiter, List::of).build();

        assertThatThrownBy(() -> path.get("42", () -> {
            throw new IllegalStateException("no connection");
        }).join()).cause().isInstanceOf(IllegalStateException.class);
        assertThat(path.get("42", () -> load("v1")).join().value()).isEqualTo("v1"); // the one slot is still there
        limiter.close();
    }

    @Test
    void anOpenBreakerServesStaleIfErrorWithBreakerOpenExceptionAndRefundsTheSlot() {
        HotSpotLimiter limiter = limiter().build();
        UpstreamBreaker breaker = breaker();
        ReadPath<String, String> path = ReadPath.<String, String>builder().cache(cache(), policy)
                .hotSpot(limiter, List::of).breaker(breaker, v -> v.equals("bad") ? Verdict.FAILURE : Verdict.SUCCESS)
                .build();
        assertThat(path.get("42", () -> load("v1")).join().status()).isEqualTo(CacheStatus.MISS);
        breaker.execute(() -> CompletableFuture.completedFuture("bad"), v -> Verdict.FAILURE).join();
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
        ticker.advance(Duration.ofSeconds(6)); // past fresh, inside stale

        assertThat(path.get("42", () -> load("never")).join().status()).isEqualTo(CacheStatus.STALE);
        CacheResult<String> served = path.get("42", () -> load("never")).join();

        assertThat(served.status()).isEqualTo(CacheStatus.STALE_IF_ERROR);
        assertThat(served.value()).isEqualTo("v1");
        assertThat(served.staleError()).isInstanceOf(BreakerOpenException.class);
        assertThat(loads).hasValue(1);
        assertThat(limiter.snapshot(1).inFlight()).isZero();
        assertThat(limiter.snapshot(1).callsInWindow()).isEqualTo(1); // v1's call; the refused refresh was refunded
        limiter.close();
    }

    @Test
    void anOpenBreakerWithNothingCachedFailsWithBreakerOpenException() {
        UpstreamBreaker breaker = breaker();
        breaker.execute(() -> CompletableFuture.completedFuture("bad"), v -> Verdict.FAILURE).join();
        ReadPath<String, String> path = ReadPath.<String, String>builder().breaker(breaker, v -> Verdict.SUCCESS)
                .build();

        assertThatThrownBy(() -> path.get("42", () -> load("never")).join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(BreakerOpenException.class);
        assertThatThrownBy(() -> path.read("42", () -> "never")).isInstanceOf(BreakerOpenException.class);
        assertThat(loads).hasValue(0);
    }

    @Test
    void hotKeysGivenPerCallAreAskedOnlyWhenTheCallLoads() {
        HotSpotLimiter limiter = limiter().build();
        ReadPath<String, String> path = ReadPath.<String, String>builder().cache(cache(), policy)
                .hotSpot(limiter, key -> List.of("from-key")).build();
        AtomicInteger asked = new AtomicInteger();

        path.get("/odds?fixture=42", () -> { asked.incrementAndGet(); return List.of("42"); }, () -> load("v1")).join();
        path.get("/odds?fixture=42", () -> { asked.incrementAndGet(); return List.of("42"); }, () -> load("v2")).join();

        assertThat(asked).hasValue(1);
        assertThat(limiter.snapshot(5).top()).extracting(u -> u.key()).containsExactly("42");
        limiter.close();
    }

    @Test
    void aValueThatStandsForAFailureFailsTheLoadAfterTheBreakerJudgedItAndIsServedStaleIfError() {
        UpstreamBreaker breaker = UpstreamBreaker.builder("odds").minimumCalls(10).ticker(ticker).scheduler(ticker)
                .build();
        ReadPath<String, String> path = ReadPath.<String, String>builder().cache(cache(), policy)
                .breaker(breaker, v -> v.startsWith("5") ? Verdict.FAILURE : Verdict.SUCCESS)
                .failure(v -> v.startsWith("5") ? new IllegalStateException("upstream answered " + v) : null)
                .build();
        assertThatThrownBy(() -> path.get("42", () -> load("503")).join())
                .cause().isInstanceOf(IllegalStateException.class).hasMessage("upstream answered 503");
        assertThat(breaker.stats().failures()).isEqualTo(1);

        ticker.advance(Duration.ofSeconds(2)); // past the remembered error
        assertThat(path.get("42", () -> load("200")).join().value()).isEqualTo("200");
        ticker.advance(Duration.ofSeconds(6));
        assertThat(path.get("42", () -> load("500")).join().status()).isEqualTo(CacheStatus.STALE);
        CacheResult<String> served = path.get("42", () -> load("never")).join();
        assertThat(served.status()).isEqualTo(CacheStatus.STALE_IF_ERROR);
        assertThat(served.staleError()).hasMessage("upstream answered 500");
        assertThat(breaker.stats().failures()).isEqualTo(2);
    }

    @Test
    void withoutAnyStageEachReadCallsTheLoaderAndBlockingReadsRunItOnAVirtualThread() {
        ReadPath<String, String> path = ReadPath.<String, String>builder().build();
        assertThat(path.get("42", () -> load("v1")).join())
                .extracting(CacheResult::value, CacheResult::status).containsExactly("v1", CacheStatus.MISS);
        assertThat(path.read("42", () -> Thread.currentThread().isVirtual() ? "virtual" : "platform"))
                .isEqualTo("virtual");
        assertThatThrownBy(() -> path.get("42", List::of, () -> load("v1")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("hotKeys");
    }

    @Test
    void builderRefusesABreakerWithoutClassifyAndACoalescerBesideACache() {
        assertThatThrownBy(() -> ReadPath.<String, String>builder().breaker(breaker(), null))
                .isInstanceOf(NullPointerException.class).hasMessage("classify");
        assertThatThrownBy(() -> ReadPath.<String, String>builder().cache(cache(), policy).coalescer(coalescer()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("coalescer: ");
    }
}
