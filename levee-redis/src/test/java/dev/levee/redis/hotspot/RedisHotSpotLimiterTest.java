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

import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.hotspot.HotSpotRejectedException;
import dev.levee.core.hotspot.HotSpotRejectedException.Reason;
import dev.levee.core.hotspot.HotSpotSnapshot;
import dev.levee.core.hotspot.Permit;
import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;
import dev.levee.redis.LocalRedis;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CyclicBarrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hot-spot limiter on the Redis store (the machine's Redis, keys under a unique prefix): a burst of concurrent
 * callers on one key with an empty window gets exactly the limit, whatever the queue capacity, although every
 * decision is a round trip during which more callers arrive.
 */
class RedisHotSpotLimiterTest {
    private static final int LIMIT = 5;
    private static final int CALLERS = 20;
    private static final Duration WINDOW = Duration.ofSeconds(60);

    @RegisterExtension
    static final LocalRedis LOCAL = new LocalRedis();

    private String prefix;
    private RedisWindowStore store;
    private HotSpotLimiter limiter;

    @BeforeEach
    void setUp() {
        prefix = "levee-test:" + UUID.randomUUID() + ":";
        store = RedisWindowStore.create(LOCAL.connection(), prefix, Duration.ofSeconds(10));
    }

    @AfterEach
    void cleanUp() {
        if (limiter != null) {
            limiter.close();
        }
        RedisCommands<String, String> sync = LOCAL.sync();
        List<String> keys = new ArrayList<>();
        sync.scan(keys::add, ScanArgs.Builder.matches(prefix + "*").limit(1000));
        if (!keys.isEmpty()) {
            sync.del(keys.toArray(String[]::new));
        }
    }

    private HotSpotLimiter limiter(int queue, Duration maxWait) {
        limiter = HotSpotLimiter.builder().limit(LIMIT).window(WINDOW).queueCapacity(queue).maxWait(maxWait)
                .store(store).ticker(Ticker.system()).scheduler(Scheduler.system("hot-spot-test")).build();
        return limiter;
    }

    /** {@link #CALLERS} threads released at once, each asking for a permit on {@code key}. */
    private List<CompletableFuture<Permit>> burst(HotSpotLimiter l, String key) throws Exception {
        CyclicBarrier go = new CyclicBarrier(CALLERS);
        List<CompletableFuture<Permit>> calls = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            CompletableFuture<Permit> call = new CompletableFuture<>();
            calls.add(call);
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    l.acquire(key).whenComplete((p, e) -> {
                        if (e != null) {
                            call.completeExceptionally(e);
                        } else {
                            call.complete(p);
                        }
                    });
                } catch (Exception e) {
                    call.completeExceptionally(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return calls;
    }

    private static Reason reason(CompletableFuture<Permit> f) {
        try {
            f.join();
            throw new AssertionError("granted");
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(HotSpotRejectedException.class);
            return ((HotSpotRejectedException) e.getCause()).reason();
        }
    }

    @Test
    void withoutAQueueABurstOnAnEmptyWindowGetsTheLimitAndTheRestQueueFull() throws Exception {
        HotSpotLimiter l = limiter(0, Duration.ZERO);
        List<CompletableFuture<Permit>> calls = burst(l, "fixture-1");

        await().atMost(Duration.ofSeconds(10)).until(() -> calls.stream().allMatch(CompletableFuture::isDone));
        List<CompletableFuture<Permit>> granted = calls.stream().filter(f -> !f.isCompletedExceptionally()).toList();
        List<CompletableFuture<Permit>> rejected = calls.stream().filter(CompletableFuture::isCompletedExceptionally)
                .toList();
        assertThat(granted).as("granted of %d", CALLERS).hasSize(LIMIT);
        assertThat(rejected).hasSize(CALLERS - LIMIT).allSatisfy(f -> assertThat(reason(f)).isEqualTo(Reason.QUEUE_FULL));
        HotSpotSnapshot s = l.snapshot(1);
        assertThat(s.granted()).isEqualTo(LIMIT);
        assertThat(s.rejectedQueueFull()).isEqualTo(CALLERS - LIMIT);
        assertThat(s.queued()).isZero();
        assertThat(s.inFlight()).isEqualTo(LIMIT);
        assertThat(LOCAL.sync().zcard(store.logKey("fixture-1"))).isEqualTo(LIMIT);
        granted.forEach(f -> f.join().release());
        await().atMost(Duration.ofSeconds(10)).until(() -> l.snapshot(1).inFlight() == 0);
    }

    @Test
    void withAQueueTheSameBurstGetsTheLimitAtOnceAndTheRestWait() throws Exception {
        // every call stays in flight: the first slot frees a window after its end, so position p is expected at
        // 60 s + p x 12 s; 15 waiters fit in a max wait of 5 minutes
        HotSpotLimiter l = limiter(20, Duration.ofMinutes(5));
        List<CompletableFuture<Permit>> calls = burst(l, "fixture-2");

        await().atMost(Duration.ofSeconds(10)).until(() -> l.snapshot(1).granted() == LIMIT
                && l.snapshot(1).queued() == CALLERS - LIMIT && calls.stream().filter(CompletableFuture::isDone)
                .count() == LIMIT);
        assertThat(calls.stream().filter(CompletableFuture::isDone)).allMatch(f -> !f.isCompletedExceptionally());
        HotSpotSnapshot s = l.snapshot(1);
        assertThat(s.rejected()).isZero();
        assertThat(s.inFlight()).isEqualTo(LIMIT);
        assertThat(LOCAL.sync().zcard(store.logKey("fixture-2"))).isEqualTo(LIMIT);
        l.close();                                        // the waiters fail; nothing more is granted
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.stream().allMatch(CompletableFuture::isDone));
        assertThat(calls.stream().filter(f -> !f.isCompletedExceptionally())).hasSize(LIMIT);
        calls.stream().filter(f -> !f.isCompletedExceptionally()).forEach(f -> f.join().release());
        assertThat(l.snapshot(1).queued()).isZero();
    }
}
