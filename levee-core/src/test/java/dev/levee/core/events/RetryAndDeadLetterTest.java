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
package dev.levee.core.events;

import dev.levee.core.time.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Retries with exponential backoff and jitter, delivery timeouts, dead letters, replay, drain, Retry-After. */
class RetryAndDeadLetterTest {
    private final ManualTicker time = new ManualTicker();

    private EventPipeline.Builder<String> builder(EventSink<Object> sink) {
        return EventPipeline.builder(sink)
                .thresholds(new Thresholds(80, 100, 40, 200, Duration.ofSeconds(30)))
                .workers(2).maxAttempts(3)
                .backoff(Duration.ofSeconds(1), Duration.ofSeconds(30))
                .deliveryTimeout(Duration.ofSeconds(5))
                .jitter(() -> 0.0)
                .ticker(time).scheduler(time);
    }

    @Test
    void backoffDoublesWithEqualJitterAndIsCapped() {
        double[] j = {0.0};
        var p = (DefaultEventPipeline<?>) builder((d, payload) -> CompletableFuture.completedFuture(null))
                .backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)).jitter(() -> j[0]).build();
        assertThat(p.backoffNanos(1)).isEqualTo(Duration.ofMillis(500).toNanos());
        assertThat(p.backoffNanos(2)).isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(p.backoffNanos(3)).isEqualTo(Duration.ofSeconds(2).toNanos());
        assertThat(p.backoffNanos(10)).isEqualTo(Duration.ofSeconds(15).toNanos()); // capped at 30 s, halved
        assertThat(p.backoffNanos(100)).isEqualTo(Duration.ofSeconds(15).toNanos());
        j[0] = 0.5;
        assertThat(p.backoffNanos(3)).isEqualTo(Duration.ofSeconds(3).toNanos());
    }

    @Test
    void failedAttemptsAreDelayedByTheBackoffThenDeadLetteredWithReasonAndAttempts() {
        AtomicInteger attempts = new AtomicInteger();
        EventPipeline<String> p = builder((d, payload) -> {
            attempts.incrementAndGet();
            return CompletableFuture.failedFuture(new RuntimeException("sink said 500"));
        }).build();
        String id = Outcome.of(p.submit("t", null)).id();
        assertThat(attempts).hasValue(1);
        assertThat(p.stats().delayed()).isEqualTo(1);
        assertThat(p.stats().failed()).isEqualTo(1);

        time.advance(Duration.ofMillis(499));
        assertThat(attempts).hasValue(1);
        time.advance(Duration.ofMillis(1)); // 0.5 s: attempt 2
        assertThat(attempts).hasValue(2);
        time.advance(Duration.ofMillis(999));
        assertThat(attempts).hasValue(2);
        time.advance(Duration.ofMillis(1)); // + 1 s: attempt 3, the last
        assertThat(attempts).hasValue(3);

        EventStats s = p.stats();
        assertThat(s.delayed()).isZero();
        assertThat(s.deadLettered()).isEqualTo(1);
        assertThat(s.deadLetters()).isEqualTo(1);
        assertThat(s.failed()).isEqualTo(3);
        assertThat(s.depth()).isZero();
        DeadLetter dl = p.deadLetters(10).get(0);
        assertThat(dl.event().id()).isEqualTo(id);
        assertThat(dl.attempts()).isEqualTo(3);
        assertThat(dl.reason()).isEqualTo("sink said 500");
        assertThat(dl.deadLetteredEpochMillis()).isEqualTo(time.epochMillis());
    }

    @Test
    void aDeliveryThatNeverCompletesTimesOutAndIsRetried() {
        AtomicInteger attempts = new AtomicInteger();
        EventPipeline<String> p = builder((d, payload) -> {
            attempts.incrementAndGet();
            return new CompletableFuture<>();
        }).build();
        Outcome.of(p.submit("t", null));
        assertThat(p.stats().active()).isEqualTo(1);
        time.advance(Duration.ofSeconds(5));
        assertThat(p.stats().delayed()).isEqualTo(1);
        time.advance(Duration.ofMillis(500));
        assertThat(attempts).hasValue(2);
        time.advance(Duration.ofSeconds(5 + 1 + 5));
        assertThat(p.deadLetters(1).get(0).reason()).isEqualTo("timeout after 5000 ms");
    }

    @Test
    void replayedDeadLettersAreDeliveredAgainFromAttemptOne() {
        AtomicBoolean healthy = new AtomicBoolean();
        AtomicInteger delivered = new AtomicInteger();
        EventPipeline<String> p = builder((d, payload) -> {
            if (!healthy.get()) {
                throw new IllegalStateException("down");
            }
            delivered.incrementAndGet();
            assertThat(d.attempt()).isEqualTo(1);
            return CompletableFuture.completedFuture(null);
        }).maxAttempts(1).build();
        String a = Outcome.of(p.submit("t", null)).id();
        String b = Outcome.of(p.submit("t", null)).id();
        assertThat(p.deadLetters(10)).hasSize(2);
        healthy.set(true);
        assertThat(p.replay(List.of(b), 10)).containsExactly(b);
        assertThat(delivered).hasValue(1);
        assertThat(p.replay(null, 10)).containsExactly(a);
        EventStats s = p.stats();
        assertThat(s.completed()).isEqualTo(2);
        assertThat(s.replayed()).isEqualTo(2);
        assertThat(s.deadLetters()).isZero();
        assertThat(s.accepted() + s.replayed()).isEqualTo(s.depth() + s.completed() + s.deadLettered());
    }

    @Test
    void workersBoundConcurrentDeliveriesAndHigherPriorityGoesFirst() {
        HeldSink sink = new HeldSink();
        EventPipeline<String> p = builder(sink).workers(2).build();
        Outcome.of(p.submit("a", 10, null));
        Outcome.of(p.submit("b", 10, null));
        Outcome.of(p.submit("low", 10, null));
        Outcome.of(p.submit("urgent", 1, null));
        assertThat(p.stats().active()).isEqualTo(2);
        assertThat(p.stats().waiting()).isEqualTo(2);
        sink.succeedNext();
        assertThat(sink.held.getLast().delivery().event().type()).isEqualTo("urgent");
        assertThat(p.stats().busyWorkers()).isEqualTo(2);
    }

    @Test
    void retryAfterComesFromTheMeasuredDrainRate() {
        HeldSink sink = new HeldSink();
        EventPipeline<String> p = builder(sink).workers(1000).build();
        for (int i = 0; i < 100; i++) {
            Outcome.of(p.submit("t", 5, null));
        }
        assertThat(p.state()).isEqualTo(CircuitState.OPEN);
        for (int s = 0; s < 5; s++) { // 10 events per second
            for (int i = 0; i < 10; i++) {
                sink.succeedNext();
            }
            time.advance(Duration.ofSeconds(1));
        }
        assertThat(p.stats().drainPerSecond()).isEqualTo(10.0);
        Outcome r = Outcome.of(p.submit("t", 5, null));
        assertThat(r.reason()).isEqualTo(RejectReason.CIRCUIT_OPEN);
        assertThat(r.retryAfterSeconds()).isEqualTo(1); // depth 50, recovery 40: 10 over at 10/s
        for (int i = 0; i < 50; i++) {
            Outcome.of(p.submit("t", 1, null));
        }
        assertThat(Outcome.of(p.submit("t", 5, null)).retryAfterSeconds()).isEqualTo(6); // 60 over at 10/s
    }

    @Test
    void retryAfterIsTheCapWhenNothingDrains() {
        EventPipeline<String> p = builder(new HeldSink()).workers(1000).retryAfterMax(Duration.ofSeconds(42)).build();
        for (int i = 0; i < 100; i++) {
            Outcome.of(p.submit("t", 5, null));
        }
        assertThat(Outcome.of(p.submit("t", 5, null)).retryAfterSeconds()).isEqualTo(42);
    }

    @Test
    void drainStopsAcceptingAndWaitsForEveryAcceptedEvent() {
        HeldSink sink = new HeldSink();
        EventPipeline<String> p = builder(sink).build();
        Outcome.of(p.submit("t", null));
        Outcome.of(p.submit("t", null));
        CompletionStage<Integer> drained = p.drain(Duration.ofSeconds(10));
        assertThat(Outcome.of(p.submit("t", 1, null)).reason()).isEqualTo(RejectReason.SHUTTING_DOWN);
        sink.succeedNext();
        assertThat(drained.toCompletableFuture()).isNotDone();
        sink.succeedNext();
        assertThat(drained.toCompletableFuture()).isCompletedWithValue(0);
    }

    @Test
    void drainGivesUpAfterTheGraceAndReportsWhatIsLeft() {
        EventPipeline<String> p = builder(new HeldSink()).build();
        Outcome.of(p.submit("t", null));
        Outcome.of(p.submit("t", null));
        Outcome.of(p.submit("t", null));
        CompletionStage<Integer> drained = p.drain(Duration.ofSeconds(3));
        time.advance(Duration.ofSeconds(3));
        assertThat(drained.toCompletableFuture()).isCompletedWithValue(3);
    }

    @Test
    void anInProcessBlockingHandlerIsASink() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.Set<String> handled = java.util.concurrent.ConcurrentHashMap.newKeySet();
            EventPipeline<String> p = EventPipeline.builder(EventSink.blocking((e, payload) -> {
                        if (e.type().equals("poison")) {
                            throw new IllegalArgumentException("cannot handle " + e.payload());
                        }
                        handled.add(e.id());
                    }, pool))
                    .maxAttempts(2).backoff(Duration.ofMillis(1), Duration.ofMillis(2))
                    .scheduler(dev.levee.core.time.Scheduler.system("blocking-sink-test"))
                    .build();
            String ok = Outcome.of(p.submit("fine", "{}")).id();
            String bad = Outcome.of(p.submit("poison", "{\"x\":1}")).id();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> p.stats().depth() == 0);
            assertThat(handled).containsExactly(ok);
            DeadLetter dl = p.deadLetters(10).get(0);
            assertThat(dl.event().id()).isEqualTo(bad);
            assertThat(dl.reason()).isEqualTo("cannot handle {\"x\":1}");
            assertThat(dl.attempts()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void priorityMappingComesFromConfig() {
        EventPipeline<String> p = builder(new HeldSink()).priorities(Map.of("scheduled", 1)).defaultPriority(7).build();
        assertThat(Outcome.of(p.submit("scheduled", null)).priority()).isEqualTo(1);
        assertThat(Outcome.of(p.submit("other", null)).priority()).isEqualTo(7);
    }
}
