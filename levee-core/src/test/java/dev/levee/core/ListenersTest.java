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

import dev.levee.core.admission.AdmissionListener;
import dev.levee.core.admission.AdmissionRejectedException;
import dev.levee.core.admission.Permit;
import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.breaker.BreakerListener;
import dev.levee.core.breaker.BreakerState;
import dev.levee.core.breaker.UpstreamBreaker;
import dev.levee.core.breaker.Verdict;
import dev.levee.core.cache.CacheListener;
import dev.levee.core.cache.CachePolicy;
import dev.levee.core.cache.CacheStatus;
import dev.levee.core.cache.SwrCache;
import dev.levee.core.coalesce.CoalescerListener;
import dev.levee.core.coalesce.CoalescerOverflowException;
import dev.levee.core.coalesce.CoalescerTimeoutException;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.hotspot.HotSpotListener;
import dev.levee.core.hotspot.HotSpotRejectedException;
import dev.levee.core.hotspot.HotSpotSettings;
import dev.levee.core.time.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each primitive tells its listener of the events users act on, on the injected time; a listener that throws
 * breaks nothing. (The event pipeline's listener: {@code events/EventPipelineListenerTest}.)
 */
class ListenersTest {
    private final ManualTicker time = new ManualTicker();
    private final List<String> heard = new CopyOnWriteArrayList<>();

    @Test
    void admissionTellsEveryShed() {
        PriorityAdmission admission = PriorityAdmission.builder().addClass("hi", 1).addClass("lo", 1)
                .maxConcurrent(1).maxWait(Duration.ofSeconds(5)).ticker(time).scheduler(time)
                .listener(new AdmissionListener() {
                    @Override
                    public void onShed(AdmissionRejectedException shed) {
                        heard.add(shed.reason() + " " + shed.admissionClass());
                    }
                }).build();
        Permit running = admission.acquire("hi").join();
        admission.acquire("lo");                     // waits
        admission.acquire("lo");                     // lo full, nothing lower: shed
        admission.acquire("hi");                     // waits
        admission.acquire("hi");                     // hi full: pushes the lo waiter out
        time.advance(Duration.ofSeconds(5));         // both hi waiters time out
        assertThat(heard).containsExactly("QUEUE_FULL lo", "PUSHED_OUT lo", "TIMEOUT hi", "TIMEOUT hi");
        running.close();
    }

    @Test
    void aThrowingListenerDoesNotBreakTheAdmission() {
        PriorityAdmission admission = PriorityAdmission.builder().addClass("only", 1).maxConcurrent(1)
                .ticker(time).scheduler(time)
                .listener(new AdmissionListener() {
                    @Override
                    public void onShed(AdmissionRejectedException shed) {
                        throw new IllegalStateException("listener bug");
                    }
                }).build();
        admission.acquire("only").join();
        admission.acquire("only");
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> admission.acquire("only").join())
                    .cause().isInstanceOf(AdmissionRejectedException.class);
        }
        assertThat(admission.stats().inFlight()).isEqualTo(1);
    }

    @Test
    void coalescerTellsOverflowsAndTimeouts() {
        RequestCoalescer<String, String> coalescer = RequestCoalescer.<String, String>builder()
                .maxWaitersPerKey(1).maxWait(Duration.ofSeconds(5)).ticker(time).scheduler(time)
                .listener(new CoalescerListener() {
                    @Override
                    public void onOverflow(CoalescerOverflowException overflow) {
                        heard.add("overflow");
                    }

                    @Override
                    public void onTimeout(CoalescerTimeoutException timeout) {
                        heard.add("timeout");
                    }
                }).build();
        CompletableFuture<String> never = new CompletableFuture<>();
        coalescer.getOrFetch("k", () -> never);
        coalescer.getOrFetch("k", () -> never);
        time.advance(Duration.ofSeconds(5));
        assertThat(heard).containsExactly("overflow", "timeout");
    }

    @Test
    void cacheTellsAFailedBackgroundRefresh() {
        RequestCoalescer<String, String> coalescer = RequestCoalescer.<String, String>builder()
                .ticker(time).scheduler(time).build();
        SwrCache<String, String> cache = SwrCache.<String, String>builder().ticker(time).coalescer(coalescer)
                .listener(new CacheListener<String>() {
                    @Override
                    public void onRefreshFailed(String key, Throwable error) {
                        heard.add(key + ": " + error.getMessage());
                    }
                }).build();
        CachePolicy policy = new CachePolicy(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(1));
        cache.read("k", policy, () -> "v1");
        time.advance(Duration.ofSeconds(10));
        assertThat(cache.read("k", policy, () -> {
            throw new IllegalStateException("upstream down");
        }).status()).isEqualTo(CacheStatus.STALE);
        assertThatThrownBy(() -> cache.read("new", policy, () -> {
            throw new IllegalStateException("a miss fails its caller, not the listener");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(heard).containsExactly("k: upstream down");
    }

    @Test
    void hotSpotLimiterTellsAlertsOnceAndRejections() {
        try (HotSpotLimiter limiter = HotSpotLimiter.builder().limit(2).window(Duration.ofSeconds(60))
                .queueCapacity(0).alertThreshold(0.5).ticker(time).scheduler(time)
                .listener(new HotSpotListener() {
                    @Override
                    public void onRejected(HotSpotRejectedException rejection) {
                        heard.add("rejected " + rejection.reason());
                    }

                    @Override
                    public void onAlert(String key, long calls, HotSpotSettings settings) {
                        heard.add("alert " + key + " " + calls + "/" + settings.limit());
                    }
                }).build()) {
            limiter.acquire("fixture-1").join().close();
            limiter.acquire("fixture-1").join().close();
            assertThatThrownBy(() -> limiter.acquire("fixture-1").join())
                    .cause().isInstanceOf(HotSpotRejectedException.class);
            assertThat(heard).containsExactly("alert fixture-1 1/2", "rejected QUEUE_FULL");
        }
    }

    @Test
    void breakerTellsEveryStateChange() {
        UpstreamBreaker breaker = UpstreamBreaker.builder("odds").minimumCalls(2).windowSize(2)
                .failureRateThreshold(50).openFor(Duration.ofSeconds(10)).halfOpenProbes(1)
                .ticker(time).scheduler(time)
                .listener(new BreakerListener() {
                    @Override
                    public void onStateChange(String name, BreakerState from, BreakerState to) {
                        heard.add(name + " " + from + "->" + to);
                    }
                }).build();
        for (int i = 0; i < 2; i++) {
            breaker.execute(() -> CompletableFuture.completedFuture(500), s -> Verdict.FAILURE);
        }
        time.advance(Duration.ofSeconds(10));
        breaker.execute(() -> CompletableFuture.completedFuture(200), s -> Verdict.SUCCESS);
        assertThat(heard).containsExactly("odds CLOSED->OPEN", "odds OPEN->HALF_OPEN", "odds HALF_OPEN->CLOSED");
    }
}
