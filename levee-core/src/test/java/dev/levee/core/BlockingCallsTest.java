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
package dev.levee.core;

import dev.levee.core.breaker.BreakerOpenException;
import dev.levee.core.breaker.BreakerState;
import dev.levee.core.breaker.UpstreamBreaker;
import dev.levee.core.breaker.Verdict;
import dev.levee.core.cache.CachePolicy;
import dev.levee.core.cache.CacheResult;
import dev.levee.core.cache.CacheStatus;
import dev.levee.core.cache.SwrCache;
import dev.levee.core.coalesce.CoalescerOverflowException;
import dev.levee.core.coalesce.CoalescerTimeoutException;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.time.ManualTicker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The blocking conveniences of the coalescer, the breaker and the cache: values, refusals and the work's own
 * exceptions come back unwrapped. Real threads only where a call must block (a follower waiting for a leader).
 */
class BlockingCallsTest {
    private final ManualTicker time = new ManualTicker();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final RequestCoalescer<String, String> coalescer = RequestCoalescer.<String, String>builder()
            .ticker(time).scheduler(time).maxWait(Duration.ofSeconds(5)).maxWaitersPerKey(2).build();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void aFollowerBlocksUntilTheLeadersLoaderReturnsAndGetsItsValue() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger loads = new AtomicInteger();
        Future<String> leader = threads.submit(() -> coalescer.call("k", () -> {
            loads.incrementAndGet();
            awaitQuietly(release);
            return "v";
        }));
        await().atMost(10, TimeUnit.SECONDS).until(() -> coalescer.inFlight("k"));
        Future<String> follower = threads.submit(() -> coalescer.call("k", () -> "not me"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> coalescer.stats().currentWaiters() == 2);
        assertThat(follower.isDone()).isFalse();
        release.countDown();
        assertThat(leader.get(10, TimeUnit.SECONDS)).isEqualTo("v");
        assertThat(follower.get(10, TimeUnit.SECONDS)).isEqualTo("v");
        assertThat(loads).hasValue(1);
    }

    @Test
    void aCoalescerRefusalIsThrownAsIs() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Future<String> leader = threads.submit(() -> coalescer.call("k", () -> {
            awaitQuietly(release);
            return "v";
        }));
        await().atMost(10, TimeUnit.SECONDS).until(() -> coalescer.inFlight("k"));
        Future<String> follower = threads.submit(() -> coalescer.call("k", () -> "not me"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> coalescer.stats().currentWaiters() == 2);
        assertThatThrownBy(() -> coalescer.call("k", () -> "third")) // maxWaitersPerKey 2: at once, no wait
                .isInstanceOf(CoalescerOverflowException.class);
        time.advance(Duration.ofSeconds(5)); // the follower's own deadline
        assertThatThrownBy(() -> follower.get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(CoalescerTimeoutException.class);
        release.countDown();
        assertThatThrownBy(() -> leader.get(10, TimeUnit.SECONDS)) // its deadline passed while its loader ran
                .cause().isInstanceOf(CoalescerTimeoutException.class);
        assertThat(coalescer.call("k", () -> "fresh")).isEqualTo("fresh"); // the flight ended with the loader
    }

    @Test
    void theLoadersRuntimeExceptionIsThrownUnwrapped() {
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> coalescer.call("k", () -> {
            throw boom;
        })).isSameAs(boom);
        assertThat(coalescer.inFlight("k")).isFalse();
        assertThat(coalescer.call("k", () -> "next")).isEqualTo("next");
    }

    @Test
    void theBreakersCallReturnsTheValueRecordsTheOutcomeAndThrowsWhenOpen() {
        UpstreamBreaker breaker = UpstreamBreaker.builder("odds").ticker(time).scheduler(time)
                .minimumCalls(2).windowSize(2).failureRateThreshold(50).build();
        assertThat(breaker.call(() -> 200, s -> s >= 500 ? Verdict.FAILURE : Verdict.SUCCESS)).isEqualTo(200);
        IllegalStateException down = new IllegalStateException("connection refused");
        assertThatThrownBy(() -> breaker.call(() -> {
            throw down;
        }, s -> Verdict.SUCCESS)).isSameAs(down);
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
        assertThatThrownBy(() -> breaker.call(() -> 200, s -> Verdict.SUCCESS))
                .isInstanceOf(BreakerOpenException.class);
    }

    @Test
    void theCachesReadLoadsOnAMissThenHits() {
        SwrCache<String, String> cache = SwrCache.<String, String>builder().ticker(time).coalescer(coalescer).build();
        CachePolicy policy = new CachePolicy(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(1));
        CacheResult<String> miss = cache.read("k", policy, () -> "v1");
        assertThat(miss.status()).isEqualTo(CacheStatus.MISS);
        assertThat(miss.value()).isEqualTo("v1");
        CacheResult<String> hit = cache.read("k", policy, () -> "v2");
        assertThat(hit.status()).isEqualTo(CacheStatus.HIT);
        assertThat(hit.value()).isEqualTo("v1");
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> cache.read("other", policy, () -> {
            throw boom;
        })).isSameAs(boom);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
