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
package dev.levee.core.breaker;

import dev.levee.core.time.ManualTicker;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads hit a breaker at the instant its open time (or a 429's Retry-After) ends. Invariant: exactly
 * {@code halfOpenProbes} calls reach the upstream; every other call is refused, however the threads interleave
 * with the OPEN/FORCED_OPEN -> HALF_OPEN transition.
 */
class UpstreamBreakerRaceTest {

    @RepeatedTest(30)
    void exactlyTheProbesPassWhenManyCallersRaceTheHalfOpenTransition(RepetitionInfo rep) throws Exception {
        ManualTicker time = new ManualTicker();
        UpstreamBreaker breaker = UpstreamBreaker.builder("race").ticker(time).scheduler(time).minimumCalls(2)
                .windowSize(2).openFor(Duration.ofSeconds(10)).halfOpenProbes(3).build();
        boolean rateLimited = rep.getCurrentRepetition() % 2 == 0; // FORCED_OPEN (429) and OPEN, alternately
        if (rateLimited) {
            breaker.execute(() -> CompletableFuture.completedFuture(429),
                    s -> Verdict.rateLimited(Duration.ofSeconds(10))).join();
        } else {
            for (int i = 0; i < 2; i++) {
                breaker.execute(() -> CompletableFuture.completedFuture(500), s -> Verdict.FAILURE).join();
            }
        }
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
        time.advance(Duration.ofSeconds(10));
        int threads = 8;
        AtomicInteger reached = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<CompletableFuture<Integer>> held = java.util.Collections.synchronizedList(new ArrayList<>());
        CyclicBarrier barrier = new CyclicBarrier(threads);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    barrier.await();
                    for (int i = 0; i < 50; i++) {
                        CompletableFuture<Integer> answer = new CompletableFuture<>();
                        CompletableFuture<Integer> f = breaker.execute(() -> {
                            reached.incrementAndGet();
                            held.add(answer);
                            return answer;
                        }, s -> Verdict.SUCCESS);
                        if (f.isCompletedExceptionally()) {
                            refused.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        assertThat(reached).hasValue(3);
        assertThat(refused).hasValue(threads * 50 - 3);
        held.forEach(a -> a.complete(200));
        assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
    }
}
