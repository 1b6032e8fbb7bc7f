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
package dev.levee.core.time;

import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * A ticker that runs a hook once, on its next {@link #read}, and otherwise reads the ticker it wraps: code under
 * test that reads the clock at a known point (under a lock, between taking a waiter off a queue and completing it)
 * lets a test act exactly there, which reproduces a race window deterministically.
 *
 * <p>It lives in levee-core's test sources rather than in levee-testing: levee-core's tests cannot depend on a
 * module that depends on levee-core (Maven refuses the cycle even in test scope).
 */
public final class HookedTicker implements Ticker {
    private final Ticker time;
    private final AtomicReference<Runnable> hook = new AtomicReference<>();

    public HookedTicker(Ticker time) {
        this.time = requireNonNull(time, "time");
    }

    /** Runs {@code hook} on the thread of the next {@link #read}, before that read returns; once. */
    public void onNextRead(Runnable hook) {
        this.hook.set(requireNonNull(hook, "hook"));
    }

    @Override
    public long read() {
        Runnable h = hook.getAndSet(null);
        if (h != null) {
            h.run();
        }
        return time.read();
    }

    @Override
    public long epochMillis() {
        return time.epochMillis();
    }
}
