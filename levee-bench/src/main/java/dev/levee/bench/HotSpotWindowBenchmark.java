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

import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.hotspot.Permit;
import dev.levee.core.hotspot.WindowDecision;
import dev.levee.core.hotspot.WindowStore;
import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Decisions per second of the in-memory hot-spot window (default limit: 50 calls per 60 s), on the system ticker:
 * <ul>
 *   <li>{@code store*}: one {@link WindowStore#tryAcquire} decision (granted calls are ended at once);</li>
 *   <li>{@code limiter*}: the whole {@link HotSpotLimiter#acquire} path (queue admission, Retry-After, sketch),
 *       with {@code queue: 100, max-wait: 30s}; a granted permit is released at once.</li>
 * </ul>
 * {@code HotKey}: every call on one key (after the first 50, all are "full": the path a hot fixture takes).
 * {@code Zipf}: keys drawn from a Zipf distribution (s = 1) over 100,000 keys, with {@code maxKeys} key states.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HotSpotWindowBenchmark {
    static final int KEYS = 100_000;
    static final int SAMPLES = 1 << 20;

    @Param({"10000", "100000"})
    public int maxKeys;

    private WindowStore store;
    private HotSpotLimiter limiter;
    private String[] zipf;
    private final Ticker ticker = Ticker.system();
    private final Duration window = Duration.ofSeconds(60);

    @Setup(Level.Trial)
    public void setUp() {
        store = WindowStore.inMemory(maxKeys);
        limiter = HotSpotLimiter.builder().limit(50).window(window).queueCapacity(100).maxWait(Duration.ofSeconds(30))
                .maxKeys(maxKeys).store(WindowStore.inMemory(maxKeys)).ticker(ticker)
                .scheduler(Scheduler.system("bench")).build();
        zipf = zipfKeys(KEYS, SAMPLES, 1.0, 42);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        limiter.close();
    }

    static String[] zipfKeys(int n, int samples, double s, long seed) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1.0 / Math.pow(i + 1, s);
            cdf[i] = sum;
        }
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = "fixture-" + i;
        }
        Random random = new Random(seed);
        String[] out = new String[samples];
        for (int i = 0; i < samples; i++) {
            double u = random.nextDouble() * sum;
            int lo = 0;
            int hi = n - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cdf[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            out[i] = names[lo];
        }
        return out;
    }

    /** Per-thread position in the Zipf sample. */
    @State(Scope.Thread)
    public static class Cursor {
        int i = new Random().nextInt(SAMPLES);

        String next(String[] keys) {
            i = (i + 1) & (SAMPLES - 1);
            return keys[i];
        }
    }

    private boolean storeDecision(String key) {
        WindowDecision d = store.tryAcquire(key, 50, window, ticker.read()).toCompletableFuture().join();
        if (d.allowed()) {
            store.callEnded(key, d, ticker.read());
        }
        return d.allowed();
    }

    private boolean limiterDecision(String key) {
        CompletableFuture<Permit> f = limiter.acquire(key);
        if (f.isDone() && !f.isCompletedExceptionally()) {
            f.join().release();
            return true;
        }
        return false;   // rejected (429): the common outcome on a hot key
    }

    @Benchmark
    public boolean storeHotKey() {
        return storeDecision("fixture-hot");
    }

    @Benchmark
    public boolean storeZipf(Cursor c) {
        return storeDecision(c.next(zipf));
    }

    @Benchmark
    public boolean limiterHotKey() {
        return limiterDecision("fixture-hot");
    }

    @Benchmark
    public boolean limiterZipf(Cursor c) {
        return limiterDecision(c.next(zipf));
    }
}
