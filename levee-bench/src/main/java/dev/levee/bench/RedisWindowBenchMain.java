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
package dev.levee.bench;

import dev.levee.redis.RedisConnection;
import dev.levee.redis.hotspot.RedisWindowStore;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Decisions per second and latency percentiles of one hot key on Redis, with {@code callers} concurrent callers
 * (each issues its next decision when the previous one answers): Levee's Lua sliding-window script
 * ({@link RedisWindowStore}) side by side with Bucket4j's Lettuce backend (compare-and-swap) on the same Redis.
 *
 * <pre>
 * java -cp levee-bench/target/benchmarks.jar dev.levee.bench.RedisWindowBenchMain \
 *     [redis://127.0.0.1:6379] [callers=400] [warmupSeconds=5] [measureSeconds=15]
 * </pre>
 * Two loads: "at limit" (50 calls per 60 s, the design default: after 50 grants every decision is a denial) and
 * "under limit" (1,000,000 per 1 s: every decision is a grant; Levee's grants are also ended, as the limiter
 * does, with one more script call that is not in the measured latency).
 */
public final class RedisWindowBenchMain {

    interface Contender extends AutoCloseable {
        /** One decision; the stage completes when Redis answered. */
        CompletableFuture<Boolean> decide();

        @Override
        void close();
    }

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "redis://127.0.0.1:6379";
        int callers = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int measure = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        System.out.printf("redis %s, %d concurrent callers, one hot key, warm-up %d s, measured %d s%n", url, callers,
                warmup, measure);
        System.out.printf("%-32s %-12s %12s %9s %9s %9s %9s %10s%n", "contender", "load", "decisions/s", "p50 us",
                "p99 us", "p99.9 us", "max us", "allowed");
        for (boolean atLimit : new boolean[] {true, false}) {
            int limit = atLimit ? 50 : 1_000_000;
            Duration window = atLimit ? Duration.ofSeconds(60) : Duration.ofSeconds(1);
            String load = atLimit ? "at limit" : "under limit";
            try (Contender c = levee(url, limit, window)) {
                run("levee RedisWindowStore (Lua)", load, c, callers, warmup, measure);
            }
            try (Contender c = bucket4j(url, limit, window)) {
                run("bucket4j lettuce (CAS)", load, c, callers, warmup, measure);
            }
        }
        System.exit(0);
    }

    static Contender levee(String url, int limit, Duration window) throws InterruptedException {
        RedisConnection redis = RedisConnection.connect(url, Duration.ofSeconds(5));
        while (!redis.isConnected()) {
            Thread.sleep(10);
        }
        RedisWindowStore store = RedisWindowStore.create(redis, "levee-bench:" + UUID.randomUUID() + ":",
                Duration.ofSeconds(60));
        String key = "hot";
        return new Contender() {
            @Override
            public CompletableFuture<Boolean> decide() {
                return store.tryAcquire(key, limit, window, 0).toCompletableFuture().thenApply(d -> {
                    if (d.allowed()) {
                        store.callEnded(key, d, 0);
                    }
                    return d.allowed();
                });
            }

            @Override
            public void close() {
                redis.close();
            }
        };
    }

    static Contender bucket4j(String url, int limit, Duration window) {
        RedisClient client = RedisClient.create(url);
        StatefulRedisConnection<String, byte[]> conn = client.connect(RedisCodec.of(StringCodec.UTF8,
                ByteArrayCodec.INSTANCE));
        LettuceBasedProxyManager<String> pm = Bucket4jLettuce.casBasedBuilder(conn)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(window))
                .build();
        BucketConfiguration cfg = BucketConfiguration.builder()
                .addLimit(l -> l.capacity(limit).refillGreedy(limit, window)).build();
        Supplier<CompletableFuture<BucketConfiguration>> config = () -> CompletableFuture.completedFuture(cfg);
        AsyncBucketProxy bucket = pm.asAsync().builder().build("bucket4j-bench:" + UUID.randomUUID(), config);
        return new Contender() {
            @Override
            public CompletableFuture<Boolean> decide() {
                return bucket.tryConsume(1);
            }

            @Override
            public void close() {
                conn.close();
                client.shutdown();
            }
        };
    }

    static void run(String name, String load, Contender c, int callers, int warmup, int measure)
            throws InterruptedException {
        Recorder recorder = new Recorder(3);
        LongAdder decisions = new LongAdder();
        LongAdder allowed = new LongAdder();
        LongAdder errors = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(callers);
        for (int i = 0; i < callers; i++) {
            loop(c, recorder, decisions, allowed, errors, stop, stopped);
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
        recorder.reset();
        decisions.reset();
        allowed.reset();
        long start = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(measure));
        Histogram h = recorder.getIntervalHistogram();
        long n = decisions.sum();
        long ok = allowed.sum();
        double secs = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        stopped.await(30, TimeUnit.SECONDS);
        System.out.printf(Locale.ROOT, "%-32s %-12s %12.0f %9d %9d %9d %9d %10d%s%n", name, load, n / secs,
                h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9),
                h.getMaxValue(), ok, errors.sum() > 0 ? "  errors=" + errors.sum() : "");
    }

    private static void loop(Contender c, Recorder recorder, LongAdder decisions, LongAdder allowed,
                             LongAdder errors, AtomicBoolean stop, CountDownLatch stopped) {
        if (stop.get()) {
            stopped.countDown();
            return;
        }
        long t0 = System.nanoTime();
        c.decide().whenComplete((ok, e) -> {
            recorder.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
            decisions.increment();
            if (e != null) {
                errors.increment();
            } else if (ok) {
                allowed.increment();
            }
            loop(c, recorder, decisions, allowed, errors, stop, stopped);
        });
    }
}
