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
import dev.levee.core.time.Scheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A queue that declares itself blocking (as a durable, networked one would) gets its claims and outcomes on the
 * pipeline's queue executor, never on the thread that submitted or completed a delivery (an event loop in the
 * gateway).
 */
class BlockingQueueOffloadTest {

    /** The in-memory queue, recording which threads call the operations a networked queue would block in. */
    static final class RecordingBlockingQueue implements EventQueue {
        final EventQueue delegate;
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        RecordingBlockingQueue(EventQueue delegate) {
            this.delegate = delegate;
        }

        private void record() {
            threads.add(Thread.currentThread().getName().replaceAll("-\\d+$", ""));
        }

        @Override public boolean enqueue(Event event) { record(); return delegate.enqueue(event); }
        @Override public Delivery claim() { record(); return delegate.claim(); }
        @Override public void ack(Delivery d) { record(); delegate.ack(d); }
        @Override public void retryLater(Delivery d, Duration delay, String r) { record(); delegate.retryLater(d, delay, r); }
        @Override public void deadLetter(Delivery d, String r) { record(); delegate.deadLetter(d, r); }
        @Override public List<DeadLetter> deadLetters(int limit) { return delegate.deadLetters(limit); }
        @Override public List<String> replay(Collection<String> ids, int limit) { return delegate.replay(ids, limit); }
        @Override public int depth() { return delegate.depth(); }
        @Override public int capacity() { return delegate.capacity(); }
        @Override public QueueCounts counts() { return delegate.counts(); }
        @Override public void onReady(Runnable listener) { delegate.onReady(listener); }
        @Override public boolean blocking() { return true; }
    }

    @Test
    void queueOperationsRunOnTheQueueExecutor() {
        ExecutorService queueThreads = Executors.newFixedThreadPool(2, r -> new Thread(r, "queue-op"));
        ExecutorService sinkThreads = Executors.newFixedThreadPool(2, r -> new Thread(r, "event-loop"));
        try {
            Scheduler scheduler = Scheduler.system("offload-test");
            RecordingBlockingQueue queue = new RecordingBlockingQueue(
                    EventQueue.inMemory(1_000, Duration.ofSeconds(10), 100, dev.levee.core.time.Ticker.system(), scheduler));
            AtomicInteger calls = new AtomicInteger();
            EventPipeline<String> p = EventPipeline.builder((d, payload) -> CompletableFuture.runAsync(() -> {
                        if (calls.incrementAndGet() % 3 == 0) {
                            throw new IllegalStateException("flaky");
                        }
                    }, sinkThreads))
                    .queue(queue).queueExecutor(queueThreads).scheduler(scheduler)
                    .workers(4).maxAttempts(2).backoff(Duration.ofMillis(1), Duration.ofMillis(2))
                    .build();
            assertThat(p.blocking()).isTrue();
            for (int i = 0; i < 200; i++) {
                assertThat(Outcome.of(p.submit("t", null)).accepted()).isTrue();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> p.stats().depth() == 0);
            EventStats s = p.totals();
            assertThat(s.completed() + s.deadLettered()).isEqualTo(200);
            assertThat(queue.threads).containsOnly("queue-op");
        } finally {
            queueThreads.shutdownNow();
            sinkThreads.shutdownNow();
        }
    }

    @Test
    void aBlockingQueueNeedsAnExecutor() {
        ManualTicker time = new ManualTicker();
        EventQueue q = new RecordingBlockingQueue(EventQueue.inMemory(10, Duration.ofSeconds(1), 1, time, time));
        assertThatThrownBy(() -> EventPipeline.builder((d, payload) -> CompletableFuture.completedFuture(null)).queue(q)
                .ticker(time).scheduler(time).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("queueExecutor: missing (expected: an Executor for the blocking queue's calls)");
    }
}
