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
package dev.levee.jcstress;

import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.hotspot.Permit;
import dev.levee.core.hotspot.WindowStore;
import dev.levee.core.time.ManualTicker;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two callers arrive at once on a fresh key whose window allows one call. Whichever finds nobody ahead is decided
 * at once without queueing; the other either queues behind that decision or is decided after it and finds the
 * window full: either way it waits at the head of the queue. So: exactly one granted, exactly one counted as
 * queued, never two grants and never a waiter that is neither granted nor queued.
 * <p>r1: callers granted; r2: the limiter's {@code queued} afterwards.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "one granted, the other waits for the window")
@Outcome(expect = FORBIDDEN, desc = "limit exceeded, a caller lost, or queued miscounted")
@State
public class HotSpotFirstCallers {
    private final HotSpotLimiter limiter;
    private CompletableFuture<Permit> a;
    private CompletableFuture<Permit> b;

    public HotSpotFirstCallers() {
        ManualTicker time = new ManualTicker();
        limiter = HotSpotLimiter.builder().limit(1).window(Duration.ofSeconds(10)).queueCapacity(10)
                .maxWait(Duration.ofSeconds(30)).store(WindowStore.inMemory(16)).ticker(time).scheduler(time).build();
    }

    @Actor
    public void first() {
        a = limiter.acquire("k");
    }

    @Actor
    public void second() {
        b = limiter.acquire("k");
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r1 = granted(a) + granted(b);
        r.r2 = limiter.snapshot(1).queued();
        limiter.close();
    }

    private static int granted(CompletableFuture<Permit> f) {
        return f.isDone() && !f.isCompletedExceptionally() ? 1 : 0;
    }
}
