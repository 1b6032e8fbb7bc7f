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
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UpstreamBreakerTest {
    private final ManualTicker time = new ManualTicker();
    private final UpstreamBreaker breaker = UpstreamBreaker.builder("odds").ticker(time).scheduler(time)
            .failureRateThreshold(50).slowCallRateThreshold(80).slowCallDuration(Duration.ofSeconds(2))
            .minimumCalls(4).windowSize(10).openFor(Duration.ofSeconds(10)).halfOpenProbes(2).build();
    private final AtomicInteger upstreamCalls = new AtomicInteger();

    private CompletableFuture<Integer> call(int status) {
        return breaker.execute(() -> {
            upstreamCalls.incrementAndGet();
            return CompletableFuture.completedFuture(status);
        }, UpstreamBreakerTest::classify);
    }

    static Verdict classify(int status) {
        if (status == 429) {
            return Verdict.rateLimited(Duration.ofSeconds(30));
        }
        return status >= 500 ? Verdict.FAILURE : Verdict.SUCCESS;
    }

    private void open() {
        for (int i = 0; i < 4; i++) {
            assertThat(call(500).join()).isEqualTo(500); // the answer is handed back unchanged
        }
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
    }

    @Test
    void opensOnFailureRateAndRefusesWithTheTimeLeft() {
        call(200).join();
        call(500).join();
        call(200).join();
        assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
        call(500).join(); // 2 of 4 = 50 %
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
        time.advance(Duration.ofSeconds(3));
        int before = upstreamCalls.get();
        assertThatThrownBy(() -> call(200).join()).cause().isInstanceOfSatisfying(BreakerOpenException.class,
                e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7)));
        assertThat(upstreamCalls).hasValue(before);
        assertThat(breaker.stats().rejected()).isEqualTo(1);
        assertThat(breaker.stats().opened()).isEqualTo(1);
    }

    @Test
    void exceptionsCountAsFailures() {
        for (int i = 0; i < 4; i++) {
            var f = breaker.execute(() -> CompletableFuture.<Integer>failedFuture(new RuntimeException("reset")),
                    UpstreamBreakerTest::classify);
            assertThat(f).isCompletedExceptionally();
        }
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
        assertThat(breaker.stats().failures()).isEqualTo(4);
    }

    @Test
    void opensOnSlowCallRate() {
        for (int i = 0; i < 4; i++) {
            CompletableFuture<Integer> answer = new CompletableFuture<>();
            var f = breaker.execute(() -> answer, UpstreamBreakerTest::classify);
            time.advance(Duration.ofMillis(2_500));
            answer.complete(200);
            assertThat(f.join()).isEqualTo(200);
        }
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
        assertThat(breaker.stats().slowCalls()).isEqualTo(4);
    }

    /** A hung upstream: calls that never end before the test does. */
    private List<CompletableFuture<Integer>> hang(int calls) {
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            CompletableFuture<Integer> answer = new CompletableFuture<>();
            answers.add(answer);
            breaker.execute(() -> {
                upstreamCalls.incrementAndGet();
                return answer;
            }, UpstreamBreakerTest::classify);
        }
        return answers;
    }

    @Test
    void aHungCallCountsAsSlowTheMomentItCrossesTheSlowCallDuration() {
        List<CompletableFuture<Integer>> answers = hang(4);
        time.advance(Duration.ofMillis(1_999));
        assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
        assertThat(breaker.stats().slowCalls()).isZero();
        time.advance(Duration.ofMillis(1)); // 2 s: all four are slow although none has ended
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
        assertThat(breaker.stats().slowCalls()).isEqualTo(4);
        assertThatThrownBy(() -> call(200).join()).cause().isInstanceOf(BreakerOpenException.class);
        assertThat(upstreamCalls).hasValue(4);

        // their late end (the upstream timeout) is not recorded a second time
        answers.forEach(a -> a.completeExceptionally(new RuntimeException("timeout")));
        assertThat(breaker.stats().slowCalls()).isEqualTo(4);
        assertThat(breaker.stats().failures()).isEqualTo(4); // lifetime outcome still counted
        assertThat(breaker.stats().opened()).isEqualTo(1);
        assertThat(time.pendingTasks()).isZero();
    }

    @Test
    void oneSlowCallDoesNotOpenBeforeMinimumCalls() {
        hang(1);
        time.advance(Duration.ofSeconds(3));
        call(200).join();
        call(200).join();
        assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
        assertThat(breaker.stats().slowCalls()).isEqualTo(1);
    }

    @Test
    void aCallEndingInTimeCancelsItsSlowTimer() {
        call(200).join();
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        var f = breaker.execute(() -> answer, UpstreamBreakerTest::classify);
        time.advance(Duration.ofSeconds(1));
        answer.complete(200);
        assertThat(f.join()).isEqualTo(200);
        assertThat(time.pendingTasks()).isZero();
        assertThat(breaker.stats().slowCalls()).isZero();
        assertThat(breaker.stats().bufferedCalls()).isEqualTo(2);
    }

    @Test
    void hungProbesOpenAgainAtTheSlowCallDurationAndAnsweringProbesClose() {
        open();
        time.advance(Duration.ofSeconds(10));
        hang(2); // the two probes of a still-hung upstream
        assertThat(breaker.state()).isEqualTo(BreakerState.HALF_OPEN);
        time.advance(Duration.ofSeconds(2));
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
        assertThat(breaker.stats().opened()).isEqualTo(2);
        time.advance(Duration.ofSeconds(10)); // the upstream has recovered
        call(200).join();
        call(200).join();
        assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void ignoredErrorsReleaseTheirPermissionAndRecordNothing() {
        class LocalRefusal extends RuntimeException {}
        UpstreamBreaker b = UpstreamBreaker.builder("ignoring").ticker(time).scheduler(time).minimumCalls(2)
                .windowSize(2).halfOpenProbes(1).ignoreErrors(e -> e instanceof LocalRefusal).build();
        for (int i = 0; i < 5; i++) {
            var f = b.execute(() -> CompletableFuture.<Integer>failedFuture(new LocalRefusal()),
                    UpstreamBreakerTest::classify);
            assertThatThrownBy(f::join).cause().isInstanceOf(LocalRefusal.class);
        }
        assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
        assertThat(b.stats().bufferedCalls()).isZero();
        assertThat(b.stats().failures()).isZero();
        for (int i = 0; i < 2; i++) {
            b.execute(() -> CompletableFuture.completedFuture(500), UpstreamBreakerTest::classify).join();
        }
        time.advance(Duration.ofSeconds(10));
        // half-open, one probe: a refused probe gives its permission back, so the next call is the probe
        b.execute(() -> CompletableFuture.<Integer>failedFuture(new LocalRefusal()), UpstreamBreakerTest::classify);
        assertThat(b.execute(() -> CompletableFuture.completedFuture(200), UpstreamBreakerTest::classify).join())
                .isEqualTo(200);
        assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void halfOpenLetsExactlyTheProbesThroughThenCloses() {
        open();
        time.advance(Duration.ofSeconds(10));
        List<CompletableFuture<Integer>> probes = new ArrayList<>();
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            CompletableFuture<Integer> answer = new CompletableFuture<>();
            answers.add(answer);
            probes.add(breaker.execute(() -> answer, UpstreamBreakerTest::classify));
        }
        assertThat(breaker.state()).isEqualTo(BreakerState.HALF_OPEN);
        assertThat(probes.subList(0, 2)).allMatch(f -> !f.isDone());
        assertThat(probes.subList(2, 5)).allSatisfy(f -> assertThatThrownBy(f::join).cause()
                .isInstanceOf(BreakerOpenException.class));
        answers.get(0).complete(200);
        answers.get(1).complete(200);
        assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
        assertThat(call(200).join()).isEqualTo(200);
    }

    @Test
    void failingProbesOpenAgain() {
        open();
        time.advance(Duration.ofSeconds(10));
        call(500).join();
        call(500).join();
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
        assertThat(breaker.stats().opened()).isEqualTo(2);
    }

    @Test
    void aRateLimitedAnswerOpensForItsRetryAfterThenProbes() {
        assertThat(call(429).join()).isEqualTo(429);
        assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
        assertThatThrownBy(() -> call(200).join()).cause().isInstanceOfSatisfying(BreakerOpenException.class,
                e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(30)));
        time.advance(Duration.ofSeconds(10)); // the configured open time would have passed; Retry-After has not
        assertThatThrownBy(() -> call(200).join()).cause().isInstanceOfSatisfying(BreakerOpenException.class,
                e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(20)));
        time.advance(Duration.ofSeconds(20));
        assertThat(breaker.state()).isEqualTo(BreakerState.HALF_OPEN);
        call(200).join();
        call(200).join();
        assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
        assertThat(breaker.stats().rateLimited()).isEqualTo(1);
    }

    @Test
    void aSynchronousThrowIsAFailureAndReachesTheCaller() {
        RuntimeException boom = new RuntimeException("boom");
        var f = breaker.execute(() -> { throw boom; }, UpstreamBreakerTest::classify);
        assertThatThrownBy(f::join).cause().isSameAs(boom);
        assertThat(breaker.stats().failures()).isEqualTo(1);
    }

    @Test
    void builderRejectsBadValues() {
        assertThatThrownBy(() -> UpstreamBreaker.builder("x").failureRateThreshold(0))
                .hasMessage("failureRateThreshold: 0 (expected: 1..100)");
        assertThatThrownBy(() -> UpstreamBreaker.builder("x").halfOpenProbes(0))
                .hasMessage("halfOpenProbes: 0 (expected: > 0)");
        assertThatThrownBy(() -> UpstreamBreaker.builder("x").ticker(time).build())
                .isInstanceOf(IllegalStateException.class).hasMessage("scheduler: missing (expected: a Scheduler, e.g. Scheduler.system(\"levee\"))");
    }
}
