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
package dev.levee.redis.hotspot;

import dev.levee.core.hotspot.WindowDecision;
import dev.levee.core.hotspot.WindowStore;
import dev.levee.redis.RedisConnection;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class FallbackWindowStoreTest {
    static final Duration W = Duration.ofSeconds(10);

    /** A shared store that answers or fails on demand. */
    static final class Switchable implements WindowStore {
        final AtomicBoolean failing = new AtomicBoolean();
        final AtomicInteger calls = new AtomicInteger();
        final WindowStore inner = WindowStore.inMemory(100);
        final List<Long> ended = new ArrayList<>();
        final List<Long> refunded = new ArrayList<>();

        @Override
        public void refund(String key, WindowDecision grant, long nowNanos) {
            refunded.add(grant.callId());
            inner.refund(key, grant, nowNanos);
        }

        @Override
        public CompletionStage<WindowDecision> tryAcquire(String key, int limit, Duration window, long nowNanos) {
            calls.incrementAndGet();
            if (failing.get()) {
                return CompletableFuture.failedFuture(new IllegalStateException("redis down"));
            }
            return inner.tryAcquire(key, limit, window, nowNanos)
                    .thenApply(d -> new WindowDecision(d.allowed(), d.count(), d.retryAfterNanos(), d.allowed() ? 7 : 0));
        }

        @Override
        public void callEnded(String key, WindowDecision grant, long nowNanos) {
            ended.add(grant.callId());
            inner.callEnded(key, grant, nowNanos);
        }
    }

    private static WindowDecision acquire(WindowStore s, String key, int limit, long now) {
        return s.tryAcquire(key, limit, W, now).toCompletableFuture().join();
    }

    @Test
    void failingSharedStoreFallsBackToLimitOverInstancesAndProbesBack() {
        Switchable shared = new Switchable();
        FallbackWindowStore s = new FallbackWindowStore(shared, WindowStore.inMemory(100), 3, () -> true,
                Duration.ofMillis(500));
        assertThat(acquire(s, "k", 10, 0).callId()).isEqualTo(7);
        assertThat(s.sharedUp()).isTrue();

        shared.failing.set(true);
        List<WindowDecision> down = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            down.add(acquire(s, "k", 10, 1));
        }
        assertThat(s.sharedUp()).isFalse();
        // 10 / 3 = 3 locally, of which this instance already used one through the shared store (its shadow)
        assertThat(down).filteredOn(WindowDecision::allowed).hasSize(2)
                .allMatch(d -> d.callId() == FallbackWindowStore.LOCAL_CALL);
        assertThat(shared.calls.get()).as("one failed try, then local until the probe time").isEqualTo(2);
        assertThat(s.fallbackDecisions()).isEqualTo(6);

        // a local grant ends in the local store, whatever the shared store does
        s.callEnded("k", down.get(0), 2);
        assertThat(shared.ended).isEmpty();

        shared.failing.set(false);
        assertThat(acquire(s, "k", 10, 2).callId()).as("before the probe time: local").isNotEqualTo(7);
        assertThat(acquire(s, "fresh", 10, 1 + 500_000_000L).callId()).as("the probe succeeds").isEqualTo(7);
        assertThat(s.sharedUp()).isTrue();
    }

    @Test
    void sharedGrantsCountAgainstTheFallbackUntilTheyLeaveTheWindow() {
        Switchable shared = new Switchable();
        FallbackWindowStore s = new FallbackWindowStore(shared, WindowStore.inMemory(100), 2, () -> true,
                Duration.ofMillis(500));
        List<WindowDecision> grants = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            grants.add(acquire(s, "k", 10, 0));
        }
        grants.forEach(g -> s.callEnded("k", g, 1));
        assertThat(shared.ended).hasSize(5);
        shared.failing.set(true);
        assertThat(acquire(s, "k", 10, 2).allowed()).as("5 of 10 / 2 already used by this instance").isFalse();
        long later = 1 + W.toNanos();
        assertThat(acquire(s, "k", 10, later).allowed()).as("one window after they ended").isTrue();
    }

    @Test
    void forOneWindowAfterRecoveryEachInstanceAlsoKeepsToItsLocalShare() {
        Switchable shared = new Switchable();
        FallbackWindowStore s = new FallbackWindowStore(shared, WindowStore.inMemory(100), 2, () -> true,
                Duration.ofMillis(500));
        for (int i = 0; i < 3; i++) {
            assertThat(acquire(s, "k", 10, 0).callId()).isEqualTo(7);
        }
        shared.failing.set(true);
        List<WindowDecision> local = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            local.add(acquire(s, "k", 10, 1));
        }
        assertThat(local).filteredOn(WindowDecision::allowed).hasSize(2); // 10 / 2 - 3 shared

        shared.failing.set(false);
        long back = 1 + 500_000_000L;
        WindowDecision afterRecovery = acquire(s, "k", 10, back);
        assertThat(afterRecovery.allowed()).as("Redis would allow; the local share (5) is used up").isFalse();
        assertThat(s.sharedUp()).isTrue();
        assertThat(shared.refunded).containsExactly(7L);
        assertThat(acquire(s, "other", 10, back).allowed()).as("another key has its share").isTrue();
        // one window after the switch back, Redis alone decides again
        assertThat(acquire(s, "k", 10, back + W.toNanos()).allowed()).isTrue();
    }

    @Test
    void unreachableRedisNeverFailsADecisionAndNeverAllowsEverything() {
        RedisConnection nowhere = RedisConnection.connect("redis://127.0.0.1:1", Duration.ofMillis(200));
        try {
            FallbackWindowStore s = new FallbackWindowStore(RedisWindowStore.create(nowhere, "levee-test:", W),
                    WindowStore.inMemory(100), 2, nowhere::isConnected, Duration.ofMillis(500));
            List<WindowDecision> ds = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ds.add(acquire(s, "k", 7, i));
            }
            assertThat(ds).filteredOn(WindowDecision::allowed).hasSize(3); // max(1, 7 / 2)
            assertThat(s.sharedUp()).isFalse();
            assertThat(acquire(s, "tiny", 1, 0).allowed()).as("floor of one call per window").isTrue();
            assertThat(acquire(s, "tiny", 1, 0).allowed()).isFalse();
        } finally {
            nowhere.close();
        }
    }
}
