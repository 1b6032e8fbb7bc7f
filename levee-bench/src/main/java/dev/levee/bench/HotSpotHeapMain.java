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
import dev.levee.core.hotspot.HotSpotSettings;
import dev.levee.core.hotspot.Permit;
import dev.levee.core.hotspot.WindowStore;
import dev.levee.core.time.ManualTicker;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Heap used by the hot-spot structures (limiter + in-memory store, default settings: 50 / 60 s, 10,000 keys) when
 * 1,000,000 distinct keys arrive. Method: full GC, heap used before; build and feed; full GC, heap used after
 * while the structures are still reachable; the difference is what they retain. Three scenarios:
 * <ol>
 *   <li>{@code burst}: 1,000,000 keys at the same instant (every key state stays active: 10,000 keys tracked, the
 *       rest served by the shared overflow window);</li>
 *   <li>{@code spread}: 1,000,000 keys over 10,000 s of (manual) time, 100 new keys a second, so about
 *       6,000 are active in any 60 s window (keys go idle and expire at the next housekeeping sweep);</li>
 *   <li>{@code full-windows}: 10,000 keys with 50 calls each in the window (the largest the logs get).</li>
 * </ol>
 * Run: {@code java -cp levee-bench/target/benchmarks.jar dev.levee.bench.HotSpotHeapMain}
 */
public final class HotSpotHeapMain {
    private HotSpotHeapMain() {}

    public static void main(String[] args) {
        for (String scenario : new String[] {"burst", "spread", "full-windows"}) {
            long before = usedAfterGc();
            ManualTicker time = new ManualTicker();
            WindowStore store = WindowStore.inMemory(HotSpotSettings.DEFAULT_MAX_KEYS);
            HotSpotLimiter limiter = HotSpotLimiter.builder().limit(50).window(Duration.ofSeconds(60))
                    .queueCapacity(100).maxWait(Duration.ofSeconds(30)).store(store).ticker(time).scheduler(time)
                    .build();
            switch (scenario) {
                case "burst" -> {
                    for (int i = 0; i < 1_000_000; i++) {
                        limiter.acquire("fixture-" + i).thenAccept(Permit::release);
                    }
                }
                case "spread" -> {
                    for (int i = 0; i < 1_000_000; i++) {
                        limiter.acquire("fixture-" + i).thenAccept(Permit::release);
                        if (i % 100 == 99) {
                            time.advance(1, TimeUnit.SECONDS);
                        }
                    }
                }
                default -> {
                    for (int k = 0; k < limiter.settings().maxKeys(); k++) {
                        for (int c = 0; c < 50; c++) {
                            limiter.acquire("fixture-" + k).thenAccept(Permit::release);
                        }
                    }
                }
            }
            long after = usedAfterGc();
            var s = limiter.snapshot(10);
            System.out.printf("%-13s tracked keys %,6d  store keys %,6d  calls in windows %,8d  retained %,8d KiB%n",
                    scenario, s.trackedKeys(), store.size(), s.callsInWindow(), (after - before) / 1024);
            limiter.close();
        }
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
