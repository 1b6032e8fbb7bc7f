package dev.levee.core.hotspot;

import dev.levee.core.time.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads on one hot key and many cold keys, with releases, refunds, cancellations and permits held across
 * time steps. Time moves between rounds (all threads wait at a barrier), so every grant's time is exact; within a
 * round the threads race freely on the limiter. Invariant, checked on the recorded log of grants: no key ever has
 * more than {@code limit} calls in any interval of length {@code window}; every caller gets exactly one outcome;
 * every permit is ended exactly once; nothing stays queued or in flight.
 */
class HotSpotLimiterRaceTest {
    private static final int LIMIT = 5;
    private static final Duration WINDOW = Duration.ofMillis(100);
    private static final int THREADS = 8;
    private static final int ROUNDS = 150;
    private static final int OPS = 150;

    @Test
    void neverMoreThanTheLimitInAnyWindowUnderContention() throws Exception {
        ManualTicker time = new ManualTicker();
        HotSpotSettings settings = new HotSpotSettings(LIMIT, WINDOW, 20, Duration.ofMillis(300), 200, 0.8, 64);
        HotSpotLimiter limiter = HotSpotLimiter.create(settings, WindowStore.inMemory(150), time, time);
        Map<String, Queue<Long>> grants = new ConcurrentHashMap<>();
        Queue<Permit> held = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Permit>> all = new ArrayList<>();
        Queue<CompletableFuture<Permit>> futures = new ConcurrentLinkedQueue<>();
        AtomicInteger doubleEnds = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(THREADS + 1);
        CyclicBarrier end = new CyclicBarrier(THREADS + 1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Thread worker = new Thread(() -> {
                try {
                    for (int r = 0; r < ROUNDS; r++) {
                        start.await();
                        ThreadLocalRandom rnd = ThreadLocalRandom.current();
                        for (int i = 0; i < OPS; i++) {
                            String key = rnd.nextInt(3) == 0 ? "hot" : "k" + rnd.nextInt(300);
                            CompletableFuture<Permit> f = limiter.acquire(key).toCompletableFuture();
                            futures.add(f);
                            f.thenAccept(p -> {
                                grants.computeIfAbsent(p.key(), k -> new ConcurrentLinkedQueue<>())
                                        .add(p.grantedAtNanos());
                                int action = ThreadLocalRandom.current().nextInt(10);
                                if (action < 6) {
                                    p.release();
                                } else {
                                    held.add(p);                  // ended by someone in a later round
                                }
                            });
                            if (rnd.nextInt(50) == 0) {
                                f.cancel(false);
                            }
                            Permit p = held.poll();
                            if (p != null) {
                                boolean first = rnd.nextBoolean() ? p.release() : p.release();
                                if (!first || p.release() || p.refund()) {
                                    doubleEnds.incrementAndGet();
                                }
                            }
                        }
                        end.await();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            worker.start();
            workers.add(worker);
        }
        for (int r = 0; r < ROUNDS; r++) {
            start.await();
            end.await();
            time.advance(ThreadLocalRandom.current().nextInt(0, 30), TimeUnit.MILLISECONDS);
        }
        for (Thread w : workers) {
            w.join();
        }
        for (int i = 0; i < 10; i++) {              // every waiter is served (and its permit ended) or times out
            for (Permit p; (p = held.poll()) != null; ) {
                p.release();
            }
            time.advance(Duration.ofMillis(300));
        }
        all.addAll(futures);

        assertThat(doubleEnds).hasValue(0);
        assertThat(all).hasSize(THREADS * ROUNDS * OPS).allMatch(CompletableFuture::isDone);
        long granted = grants.values().stream().mapToLong(Queue::size).sum();
        assertThat(grants.get("hot")).hasSizeGreaterThan(ROUNDS / 10 * LIMIT / 2);
        for (Map.Entry<String, Queue<Long>> e : grants.entrySet()) {
            List<Long> times = new ArrayList<>(e.getValue());
            HotSpotLimiterTest.assertWindowNeverExceeded(times, LIMIT, WINDOW);
        }
        HotSpotSnapshot s = limiter.snapshot(10);
        assertThat(s.queued()).isZero();
        assertThat(s.inFlight()).isZero();
        assertThat(s.trackedKeys()).isLessThanOrEqualTo(200);
        assertThat(s.requests()).isEqualTo(THREADS * ROUNDS * OPS);
        long cancelled = all.stream().filter(CompletableFuture::isCancelled).count();
        assertThat(s.granted() + s.rejected() + cancelled).isGreaterThanOrEqualTo(s.requests());
        assertThat(s.granted()).isGreaterThanOrEqualTo(granted);
        limiter.close();
    }
}
