package dev.levee.core.hotspot;

import dev.levee.core.time.Scheduler;
import dev.levee.core.time.Ticker;

import java.util.concurrent.CompletionStage;

/**
 * Limits upstream calls per key (a fixture id) with an exact sliding window: at most {@code limit} calls in any
 * interval of length {@code window}. Callers over the limit wait in a bounded FIFO queue per key and are granted a
 * {@link Permit} when a slot frees (a scheduled task wakes them, no polling thread); a caller that cannot be
 * served within its max wait is rejected at once with the real time until a slot frees.
 *
 * <pre>{@code
 * HotSpotLimiter limiter = HotSpotLimiter.create(HotSpotSettings.of(50, Duration.ofSeconds(60), 100,
 *         Duration.ofSeconds(30)), WindowStore.inMemory(10_000), ticker, scheduler);
 * limiter.acquire("fixture-42").thenCompose(permit -> callUpstream().whenComplete((r, e) -> permit.release()));
 * }</pre>
 */
public interface HotSpotLimiter extends AutoCloseable {

    /**
     * A permit for one call on {@code key}, or a stage failed with {@link HotSpotRejectedException}. Cancelling
     * the returned stage's future while it waits leaves the queue; a permit granted to a cancelled waiter is
     * refunded.
     */
    CompletionStage<Permit> acquire(String key);

    /** Current figures and the top {@code n} keys by calls per minute. */
    HotSpotSnapshot snapshot(int n);

    HotSpotSettings settings();

    /** Fails every waiter and stops housekeeping. */
    @Override
    void close();

    /**
     * A limiter over {@code store}. {@code namespace} prefixes the store keys (routes share one store); the
     * limiter's own keys and its views use the bare key.
     */
    static HotSpotLimiter create(HotSpotSettings settings, WindowStore store, String namespace, Ticker ticker,
                                 Scheduler scheduler) {
        return new DefaultHotSpotLimiter(settings, store, namespace, ticker, scheduler);
    }

    static HotSpotLimiter create(HotSpotSettings settings, WindowStore store, Ticker ticker, Scheduler scheduler) {
        return create(settings, store, "", ticker, scheduler);
    }
}
