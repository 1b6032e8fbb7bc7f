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
package dev.levee.core.coalesce;

import dev.levee.core.time.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestCoalescerTest {
    private final ManualTicker time = new ManualTicker();
    private final RequestCoalescer<String, Object> coalescer = RequestCoalescer.<String, Object>builder()
            .ticker(time).scheduler(time).maxWait(Duration.ofSeconds(5)).maxWaitersPerKey(200).maxWaiters(300)
            .build();

    @Test
    void concurrentCallersOfOneKeyShareOneFetchAndGetTheIdenticalValue() {
        AtomicInteger fetches = new AtomicInteger();
        CompletableFuture<Object> upstream = new CompletableFuture<>();
        List<RequestCoalescer.Call<Object>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(coalescer.join("k", () -> {
                fetches.incrementAndGet();
                return upstream;
            }));
        }
        assertThat(calls.get(0).leader()).isTrue();
        assertThat(calls.subList(1, 5)).allMatch(c -> !c.leader());
        Object value = Map.of("odds", List.of(1.5, 2.5));
        upstream.complete(value);
        assertThat(fetches).hasValue(1);
        assertThat(calls).allSatisfy(c -> assertThat(c.result().join()).isSameAs(value));
        CoalescerStats s = coalescer.stats();
        assertThat(s.totalRequests()).isEqualTo(5);
        assertThat(s.coalescedRequests()).isEqualTo(4);
        assertThat(s.apiCallsMade()).isEqualTo(1);
        assertThat(s.apiCallsSaved()).isEqualTo(4);
        assertThat(s.hitRatePercent()).isEqualTo(80.0);
        assertThat(s.maxConcurrentWaiters()).isEqualTo(5);
        assertThat(s.pendingKeys()).isZero();
        assertThat(s.currentWaiters()).isZero();
        assertThat(s.status()).isEqualTo(CoalescerStats.Status.HEALTHY);
    }

    @Test
    void differentKeysFetchSeparately() {
        AtomicInteger fetches = new AtomicInteger();
        var a = coalescer.getOrFetch("fixture=1", () -> CompletableFuture.completedFuture("a" + fetches.incrementAndGet()));
        var b = coalescer.getOrFetch("fixture=2", () -> CompletableFuture.completedFuture("b" + fetches.incrementAndGet()));
        assertThat(a.join()).isEqualTo("a1");
        assertThat(b.join()).isEqualTo("b2");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void anErrorReachesEveryWaiterAndTheEntryIsRemoved() {
        CompletableFuture<Object> upstream = new CompletableFuture<>();
        List<CompletableFuture<Object>> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            all.add(coalescer.getOrFetch("k", () -> upstream));
        }
        IllegalStateException boom = new IllegalStateException("upstream 500");
        upstream.completeExceptionally(boom);
        assertThat(all).allSatisfy(f -> assertThatThrownBy(f::join).isInstanceOf(CompletionException.class)
                .cause().isSameAs(boom));
        assertThat(coalescer.inFlight("k")).isFalse();
        assertThat(coalescer.stats().errors()).isEqualTo(1);
    }

    @Test
    void entryIsRemovedOnCompletionAndTheNextCallerFetchesAgain() {
        AtomicInteger fetches = new AtomicInteger();
        CompletableFuture<Object> first = new CompletableFuture<>();
        coalescer.getOrFetch("k", () -> { fetches.incrementAndGet(); return first; });
        assertThat(coalescer.inFlight("k")).isTrue();
        assertThat(coalescer.stats().pendingKeys()).isEqualTo(1);
        first.complete("v1");
        assertThat(coalescer.inFlight("k")).isFalse();
        assertThat(coalescer.getOrFetch("k", () -> {
            fetches.incrementAndGet();
            return CompletableFuture.completedFuture("v2");
        }).join()).isEqualTo("v2");
        assertThat(fetches).hasValue(2);
        assertThat(coalescer.stats().pendingKeys()).isZero();
    }

    @Test
    void aSynchronousThrowFailsTheFlightAndRemovesTheEntry() {
        RuntimeException thrown = new RuntimeException("bad request building");
        var f = coalescer.getOrFetch("k", () -> { throw thrown; });
        assertThatThrownBy(f::join).cause().isSameAs(thrown);
        assertThat(coalescer.inFlight("k")).isFalse();
        assertThat(coalescer.stats().currentWaiters()).isZero();
        var nul = coalescer.getOrFetch("k2", () -> null);
        assertThatThrownBy(nul::join).cause().isInstanceOf(NullPointerException.class);
        assertThat(coalescer.inFlight("k2")).isFalse();
    }

    @Test
    void hundredConcurrentCallersMakeOneFetch() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        CompletableFuture<Object> upstream = new CompletableFuture<>();
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Object>> results = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 100; i++) {
                pool.submit(() -> {
                    start.await();
                    results.add(coalescer.getOrFetch("hot", () -> {
                        fetches.incrementAndGet();
                        return upstream;
                    }));
                    return null;
                });
            }
            start.countDown();
        }
        upstream.complete("value");
        assertThat(results).hasSize(100).allSatisfy(f -> assertThat(f.join()).isEqualTo("value"));
        assertThat(fetches).hasValue(1);
        assertThat(coalescer.stats().apiCallsSaved()).isEqualTo(99);
    }

    @Test
    void aCallerPastMaxWaitTimesOutAloneAndTheFetchStillCompletesForOthers() {
        CompletableFuture<Object> upstream = new CompletableFuture<>();
        var early = coalescer.getOrFetch("k", () -> upstream);
        time.advance(Duration.ofSeconds(3));
        var late = coalescer.getOrFetch("k", () -> upstream);
        time.advance(Duration.ofSeconds(2)); // early reaches 5 s, late is at 2 s
        assertThatThrownBy(early::join).cause().isInstanceOf(CoalescerTimeoutException.class);
        assertThat(late).isNotDone();
        assertThat(upstream).isNotCancelled();
        assertThat(coalescer.inFlight("k")).isTrue();
        upstream.complete("v");
        assertThat(late.join()).isEqualTo("v");
        CoalescerStats s = coalescer.stats();
        assertThat(s.timeouts()).isEqualTo(1);
        assertThat(s.avgWaitTimeMs()).isEqualTo((5000 + 2000) / 2.0);
        assertThat(time.pendingTasks()).isZero();
    }

    @Test
    void theLeaderTimingOutDoesNotCancelTheSharedFetch() {
        CompletableFuture<Object> upstream = new CompletableFuture<>();
        var call = coalescer.join("k", () -> upstream);
        time.advance(Duration.ofSeconds(5));
        assertThat(call.result()).isCompletedExceptionally();
        var later = coalescer.join("k", () -> { throw new AssertionError("must join the running flight"); });
        assertThat(later.leader()).isFalse();
        upstream.complete("v");
        assertThat(later.result().join()).isEqualTo("v");
    }

    @Test
    void cancellingOneCallerLeavesOthersAndTheFetchUnaffected() {
        CompletableFuture<Object> upstream = new CompletableFuture<>();
        var a = coalescer.getOrFetch("k", () -> upstream);
        var b = coalescer.getOrFetch("k", () -> upstream);
        assertThat(a.cancel(true)).isTrue();
        assertThat(upstream).isNotCancelled();
        assertThat(coalescer.stats().currentWaiters()).isEqualTo(1);
        upstream.complete("v");
        assertThat(b.join()).isEqualTo("v");
        assertThat(coalescer.stats().cancellations()).isEqualTo(1);
    }

    @Test
    void waitersAreBoundedPerKeyAndInTotal() {
        RequestCoalescer<String, Object> small = RequestCoalescer.<String, Object>builder()
                .ticker(time).scheduler(time).maxWaitersPerKey(2).maxWaiters(3).build();
        CompletableFuture<Object> never = new CompletableFuture<>();
        small.getOrFetch("a", () -> never);
        small.getOrFetch("a", () -> never);
        var third = small.getOrFetch("a", () -> never);
        assertThatThrownBy(third::join).cause().isInstanceOfSatisfying(CoalescerOverflowException.class,
                e -> assertThat(e.perKey()).isTrue());
        small.getOrFetch("b", () -> never);
        var fourth = small.getOrFetch("c", () -> { throw new AssertionError("no fetch when over the total bound"); });
        assertThatThrownBy(fourth::join).cause().isInstanceOfSatisfying(CoalescerOverflowException.class,
                e -> assertThat(e.perKey()).isFalse());
        assertThat(small.inFlight("c")).isFalse();
        CoalescerStats s = small.stats();
        assertThat(s.overflows()).isEqualTo(2);
        assertThat(s.currentWaiters()).isEqualTo(3);
        assertThat(s.status()).isEqualTo(CoalescerStats.Status.DEGRADED);
        time.advance(Duration.ofSeconds(5)); // everyone times out: slots come back
        assertThat(small.stats().currentWaiters()).isZero();
    }

    @Test
    void resetStartsANewPeriodButLifetimeFiguresStayMonotonic() {
        coalescer.getOrFetch("k", () -> CompletableFuture.completedFuture("v")).join();
        coalescer.resetStats();
        assertThat(coalescer.stats().totalRequests()).isZero();
        assertThat(coalescer.stats().maxConcurrentWaiters()).isZero();
        assertThat(coalescer.lifetimeStats().totalRequests()).isEqualTo(1);
        coalescer.getOrFetch("k", () -> CompletableFuture.completedFuture("v")).join();
        assertThat(coalescer.stats().apiCallsMade()).isEqualTo(1);
        assertThat(coalescer.lifetimeStats().apiCallsMade()).isEqualTo(2);
    }

    @Test
    void builderRejectsBadValuesNamingThem() {
        assertThatThrownBy(() -> RequestCoalescer.builder().maxWaiters(0))
                .hasMessage("maxWaiters: 0 (expected: > 0)");
        assertThatThrownBy(() -> RequestCoalescer.builder().maxWait(Duration.ZERO))
                .hasMessage("maxWait: PT0S (expected: > 0)");
        assertThatThrownBy(() -> RequestCoalescer.builder().scheduler(time).maxWaitersPerKey(10).maxWaiters(5).build())
                .hasMessage("maxWaitersPerKey: 10 (expected: <= maxWaiters 5)");
    }

    @Test
    void aSchedulerThatCannotScheduleFailsTheCallerButNeverStrandsTheKey() {
        RequestCoalescer<String, Object> c = RequestCoalescer.<String, Object>builder().ticker(time)
                .scheduler((task, delay, unit) -> { throw new IllegalStateException("scheduler closed"); }).build();
        AtomicInteger fetches = new AtomicInteger();
        var f = c.getOrFetch("k", () -> {
            fetches.incrementAndGet();
            return CompletableFuture.completedFuture("v");
        });
        assertThatThrownBy(f::join).cause().hasMessage("scheduler closed");
        assertThat(fetches).hasValue(1); // the leader's fetch still ran and ended the flight
        assertThat(c.inFlight("k")).isFalse();
        assertThat(c.stats().currentWaiters()).isZero();
    }

    @Test
    void aCoordinatorRunsTheLeadersFetch() {
        List<String> coordinated = new ArrayList<>();
        RequestCoalescer<String, Object> c = RequestCoalescer.<String, Object>builder().ticker(time).scheduler(time)
                .coordinator((key, fetch) -> {
                    coordinated.add(key);
                    return fetch.get();
                }).build();
        CompletableFuture<Object> upstream = new CompletableFuture<>();
        c.getOrFetch("k", () -> upstream);
        c.getOrFetch("k", () -> upstream);
        upstream.complete("v");
        assertThat(coordinated).containsExactly("k");
    }
}
