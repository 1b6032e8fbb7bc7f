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
package dev.levee.spring.app;

import dev.levee.spring.Cached;
import dev.levee.spring.Coalesced;
import dev.levee.spring.HotSpot;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts how often each method really runs. */
public class OddsService {
    private final AtomicInteger coalescedCalls = new AtomicInteger();
    private final AtomicInteger cachedCalls = new AtomicInteger();
    private final AtomicInteger limitedCalls = new AtomicInteger();
    private volatile CountDownLatch release = new CountDownLatch(0);

    // methods, not fields: callers see the AOP proxy, whose fields are its own

    public int coalescedCalls() {
        return coalescedCalls.get();
    }

    public int cachedCalls() {
        return cachedCalls.get();
    }

    public int limitedCalls() {
        return limitedCalls.get();
    }

    /** The next {@link #odds} invocations wait until {@link #release}. */
    public void hold() {
        release = new CountDownLatch(1);
    }

    public void release() {
        release.countDown();
    }

    @Coalesced(key = "#fixtureId")
    public String odds(long fixtureId) throws InterruptedException {
        int n = coalescedCalls.incrementAndGet();
        if (!release.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never released");
        }
        return "odds " + fixtureId + " #" + n;
    }

    @Cached(key = "#fixtureId", fresh = "5s", stale = "60s")
    public String price(String fixtureId) {
        return "price " + fixtureId + " #" + cachedCalls.incrementAndGet();
    }

    @HotSpot(route = "/odds", key = "#fixtureId")
    public String limited(String fixtureId) {
        return "limited " + fixtureId + " #" + limitedCalls.incrementAndGet();
    }
}
