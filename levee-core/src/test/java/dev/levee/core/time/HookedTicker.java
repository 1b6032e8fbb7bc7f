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
