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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

import static dev.levee.core.internal.Arguments.nonNegative;
import static dev.levee.core.internal.Arguments.positive;
import static java.util.Objects.requireNonNull;

/**
 * A shared {@link WindowStore} (Redis) with a local fallback for while it is unreachable.
 *
 * <p>Policy (hot-spot windows): when the shared store fails a decision (connection down, command timeout, any
 * store error), the decision is made by a local in-memory window with {@code max(1, limit / expectedInstances)}
 * calls per window: the instances together stay near the shared limit without talking to each other. It never
 * allows everything and never fails the caller for a store error. The local limit has a floor of one call per
 * window so a key is never shut completely.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li><b>Fast while down.</b> While the connection is known down ({@code connected} is false) no shared call is
 *       tried. While it is up but the last shared decision failed, at most one decision per {@code probeEvery}
 *       tries the shared store (a hung Redis costs one command timeout per probe, not one per call); the rest are
 *       local. The first shared decision that succeeds switches back.</li>
 *   <li><b>Where a grant lives.</b> A local grant is marked with call id {@link #LOCAL_CALL}, so its end or refund
 *       goes to the store that counted it, even after the switch back.</li>
 *   <li><b>Shadow counts.</b> Every shared grant is also counted in the local window (without a limit) and ended
 *       there when it ends, so a fallback starts from this instance's own calls of the last window: an instance
 *       that already made {@code limit / expectedInstances} calls gets no more locally. With the load spread
 *       evenly the instances together stay within the limit across the switch; in the worst case (one instance
 *       made every shared call) the window holds at most {@code limit} plus {@code limit / expectedInstances}
 *       per other instance.</li>
 *   <li><b>The way back.</b> Redis does not learn the calls granted locally during the outage. So for one window
 *       after the switch back, a shared grant must also fit this instance's local share (which counts its local
 *       grants and the shadows of its shared ones); one that does not is refunded to Redis and denied. With every
 *       instance doing so, the window across the switch holds at most the sum of the local shares, i.e. the
 *       limit.</li>
 * </ul>
 */
public final class FallbackWindowStore implements WindowStore {
    private static final Logger log = LoggerFactory.getLogger(FallbackWindowStore.class);

    /** Call id of a grant made by the local store. */
    public static final long LOCAL_CALL = -1;
    private static final long NEVER = Long.MIN_VALUE;

    private final WindowStore shared;
    private final WindowStore local;
    private final int expectedInstances;
    private final BooleanSupplier connected;
    private final long probeEveryNanos;
    private final AtomicLong nextProbeAt = new AtomicLong(Long.MIN_VALUE);
    private final LongAdder fallbackDecisions = new LongAdder();
    private volatile boolean sharedUp = true;
    private volatile long recoveredAt = NEVER;
    private volatile Runnable onClose = () -> {};

    /**
     * @param shared            the shared store (its grants must not use call id {@link #LOCAL_CALL})
     * @param local             the fallback, usually {@code WindowStore.inMemory(maxKeys)}
     * @param expectedInstances instances sharing the windows; the local limit is the shared one divided by it
     * @param connected         false while the shared store's connection is known down (then it is not tried)
     * @param probeEvery        while the shared store fails, how often one decision tries it again
     */
    public FallbackWindowStore(WindowStore shared, WindowStore local, int expectedInstances, BooleanSupplier connected,
                               Duration probeEvery) {
        this.shared = requireNonNull(shared, "shared");
        this.local = requireNonNull(local, "local");
        this.expectedInstances = positive("expectedInstances", expectedInstances);
        this.connected = requireNonNull(connected, "connected");
        nonNegative("probeEvery", probeEvery);
        this.probeEveryNanos = probeEvery.toNanos();
    }

    /** The limit a local decision uses: {@code max(1, limit / expectedInstances)}. */
    public int localLimit(int limit) {
        return Math.max(1, limit / expectedInstances);
    }

    @Override
    public CompletionStage<WindowDecision> tryAcquire(String key, int limit, Duration window, long nowNanos) {
        if (!tryShared(nowNanos)) {
            return local(key, limit, window, nowNanos);
        }
        CompletionStage<WindowDecision> stage;
        try {
            stage = shared.tryAcquire(key, limit, window, nowNanos);
        } catch (RuntimeException e) {
            sharedFailed(e, nowNanos);
            return local(key, limit, window, nowNanos);
        }
        return stage.handle((d, e) -> {
            if (e == null) {
                if (!sharedUp) {
                    sharedUp = true;
                    recoveredAt = nowNanos;
                    log.info("shared hot-spot windows reachable again; local fallback ended");
                }
                if (!d.allowed()) {
                    return CompletableFuture.completedFuture(d);
                }
                if (!recovering(nowNanos, window)) {
                    shadow(key, window, nowNanos);
                    return CompletableFuture.completedFuture(d);
                }
                // first window after an outage: Redis does not know the local grants, so this instance also
                // keeps to its local share (which counts them); a grant over it is given back to Redis
                return local.tryAcquire(key, localLimit(limit), window, nowNanos).thenApply(l -> {
                    if (l.allowed()) {
                        return d;
                    }
                    shared.refund(key, d, nowNanos);
                    return new WindowDecision(false, l.count(), l.retryAfterNanos(), 0);
                });
            }
            sharedFailed(e, nowNanos);
            return local(key, limit, window, nowNanos);
        }).thenCompose(s -> s);
    }

    private boolean tryShared(long now) {
        if (!connected.getAsBoolean()) {
            if (sharedUp) {
                sharedUp = false;
                log.warn("shared hot-spot windows unreachable: deciding locally at limit / {}", expectedInstances);
            }
            return false;
        }
        if (sharedUp) {
            return true;
        }
        long next = nextProbeAt.get();
        return now >= next && nextProbeAt.compareAndSet(next, now + probeEveryNanos);
    }

    private void sharedFailed(Throwable e, long now) {
        nextProbeAt.set(now + probeEveryNanos);
        if (sharedUp) {
            sharedUp = false;
            log.warn("shared hot-spot window decision failed ({}); deciding locally at limit / {}", e.toString(),
                    expectedInstances);
        }
    }

    private boolean recovering(long now, Duration window) {
        long r = recoveredAt;
        return r != NEVER && now - r < window.toNanos();
    }

    /** Counts a shared grant in the local window too (no limit), so a fallback starts from this instance's calls. */
    private void shadow(String key, Duration window, long nowNanos) {
        local.tryAcquire(key, Integer.MAX_VALUE, window, nowNanos);
    }

    private CompletionStage<WindowDecision> local(String key, int limit, Duration window, long nowNanos) {
        fallbackDecisions.increment();
        return local.tryAcquire(key, localLimit(limit), window, nowNanos).thenApply(d -> d.allowed()
                ? new WindowDecision(true, d.count(), d.retryAfterNanos(), LOCAL_CALL) : d);
    }

    @Override
    public void callEnded(String key, WindowDecision grant, long nowNanos) {
        if (grant.callId() != LOCAL_CALL) {
            shared.callEnded(key, grant, nowNanos);
        }
        local.callEnded(key, grant, nowNanos); // the local grant, or the shadow of the shared one
    }

    @Override
    public void refund(String key, WindowDecision grant, long nowNanos) {
        if (grant.callId() != LOCAL_CALL) {
            shared.refund(key, grant, nowNanos);
        }
        local.refund(key, grant, nowNanos);
    }

    @Override
    public OptionalInt peekCount(String key, Duration window, long nowNanos) {
        return sharedUp ? shared.peekCount(key, window, nowNanos) : local.peekCount(key, window, nowNanos);
    }

    @Override
    public OptionalLong peekRetryAfter(String key, int limit, Duration window, long nowNanos) {
        return sharedUp ? shared.peekRetryAfter(key, limit, window, nowNanos)
                : local.peekRetryAfter(key, localLimit(limit), window, nowNanos);
    }

    @Override
    public void expireIdle(long nowNanos) {
        local.expireIdle(nowNanos);
        shared.expireIdle(nowNanos);
    }

    @Override
    public int size() {
        return sharedUp ? shared.size() : local.size();
    }

    /** False while decisions are made locally. */
    public boolean sharedUp() {
        return sharedUp && connected.getAsBoolean();
    }

    /** Decisions made by the local fallback so far. */
    public long fallbackDecisions() {
        return fallbackDecisions.sum();
    }

    /** Runs {@code action} after this store is closed (the owner of the shared connection untracks it); returns this. */
    public FallbackWindowStore onClose(Runnable action) {
        this.onClose = requireNonNull(action, "action");
        return this;
    }

    @Override
    public void close() {
        shared.close();
        local.close();
        onClose.run();
    }
}
