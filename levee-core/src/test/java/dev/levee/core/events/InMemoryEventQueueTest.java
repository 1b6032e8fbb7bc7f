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
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ordering (priority, FIFO, aging), capacity and exact counts of the in-memory queue. */
class InMemoryEventQueueTest {
    private final ManualTicker time = new ManualTicker();
    private final EventQueue q = EventQueue.inMemory(5, Duration.ofSeconds(10), 2, time, time);

    private static Event ev(String id, int priority) {
        return new Event(id, "t", priority, null, 0);
    }

    private List<String> claimAll() {
        List<String> out = new ArrayList<>();
        Delivery d;
        while ((d = q.claim()) != null) {
            out.add(d.event().id());
        }
        return out;
    }

    @Test
    void priorityOneFirstAndFifoWithinAPriority() {
        q.enqueue(ev("low", 10));
        q.enqueue(ev("n1", 5));
        q.enqueue(ev("c1", 1));
        q.enqueue(ev("n2", 5));
        q.enqueue(ev("c2", 1));
        assertThat(claimAll()).containsExactly("c1", "c2", "n1", "n2", "low");
    }

    @Test
    void agingImprovesOneLevelPerStepAndTheOlderWinsTies() {
        q.enqueue(ev("old-low", 10));
        time.advance(Duration.ofSeconds(89)); // effective 10 - 8 = 2
        q.enqueue(ev("fresh-critical", 1));
        assertThat(q.claim().event().id()).isEqualTo("fresh-critical");

        q.enqueue(ev("fresh-critical-2", 1));
        time.advance(Duration.ofSeconds(1)); // old-low has waited 90 s: effective 1, and it is older
        assertThat(q.claim().event().id()).isEqualTo("old-low");
        assertThat(q.claim().event().id()).isEqualTo("fresh-critical-2");
    }

    @Test
    void lowPriorityIsNotStarvedByAContinuousStreamOfUrgentEvents() {
        EventQueue big = EventQueue.inMemory(1000, Duration.ofSeconds(1), 2, time, time);
        big.enqueue(ev("low", 10));
        int urgentServedBefore = 0;
        for (int i = 0; ; i++) {
            big.enqueue(ev("u" + i, 1));
            big.enqueue(ev("v" + i, 1)); // arrivals outpace service two to one
            Delivery d = big.claim();
            big.ack(d);
            if (d.event().id().equals("low")) {
                break;
            }
            urgentServedBefore++;
            time.advance(Duration.ofMillis(100));
        }
        // served once its effective priority reached 1 (9 steps = 9 s = 90 claims), not never
        assertThat(urgentServedBefore).isEqualTo(90);
    }

    @Test
    void hardCapacityCountsActiveAndDelayedToo() {
        for (int i = 0; i < 5; i++) {
            assertThat(q.enqueue(ev("e" + i, 5))).isTrue();
        }
        assertThat(q.enqueue(ev("x", 1))).isFalse();
        Delivery d = q.claim();
        q.retryLater(d, Duration.ofSeconds(1), "boom");
        assertThat(q.enqueue(ev("x", 1))).isFalse(); // delayed still holds its place
        Delivery d2 = q.claim();
        q.ack(d2);
        assertThat(q.enqueue(ev("x", 1))).isTrue();
    }

    @Test
    void countsAreExactThroughEveryState() {
        for (int i = 0; i < 5; i++) {
            q.enqueue(ev("e" + i, 5));
        }
        Delivery a = q.claim();
        Delivery b = q.claim();
        Delivery c = q.claim();
        q.ack(a);
        q.retryLater(b, Duration.ofSeconds(2), "boom");
        q.deadLetter(c, "gone");
        assertThat(q.counts()).isEqualTo(new QueueCounts(2, 0, 1, 1, 2, 1, 1, 0, 5, 0));
        assertThat(q.depth()).isEqualTo(3);
        time.advance(Duration.ofSeconds(2));
        assertThat(q.counts().waiting()).isEqualTo(3);
        assertThat(q.counts().delayed()).isZero();
        Delivery again = claimUntil("e1");
        assertThat(again.attempt()).isEqualTo(2);
        assertThatThrownBy(() -> q.ack(a)).isInstanceOf(IllegalStateException.class);
    }

    private Delivery claimUntil(String id) {
        while (true) {
            Delivery d = q.claim();
            if (d.event().id().equals(id)) {
                return d;
            }
            q.ack(d);
        }
    }

    @Test
    void deadLettersAreBoundedListedAndReplayed() {
        for (int i = 0; i < 3; i++) {
            q.enqueue(ev("e" + i, 5));
            q.deadLetter(q.claim(), "reason " + i);
        }
        QueueCounts c = q.counts();
        assertThat(c.deadLettered()).isEqualTo(3);
        assertThat(c.deadLetters()).isEqualTo(2);
        assertThat(c.evicted()).isEqualTo(1);
        assertThat(q.deadLetters(10)).extracting(d -> d.event().id()).containsExactly("e1", "e2");
        assertThat(q.deadLetters(10).get(0).reason()).isEqualTo("reason 1");
        assertThat(q.deadLetters(10).get(0).attempts()).isEqualTo(1);

        List<Runnable> ready = new ArrayList<>();
        q.onReady(() -> ready.add(() -> {}));
        assertThat(q.replay(List.of("e2"), 10)).containsExactly("e2");
        assertThat(ready).hasSize(1);
        Delivery d = q.claim();
        assertThat(d.event().id()).isEqualTo("e2");
        assertThat(d.attempt()).isEqualTo(1);
        assertThat(q.counts().replayed()).isEqualTo(1);
        assertThat(q.replay(null, 10)).containsExactly("e1");
    }
}
