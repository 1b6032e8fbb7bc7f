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
package dev.levee.reactor;

import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.hotspot.HotSpotLimiter;
import reactor.core.publisher.Mono;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Levee's primitives as {@link Mono} operators, for {@link Mono#transformDeferred}: each subscription waits for
 * its own permit (or joins its own flight), so a retried or resubscribed Mono asks again.
 * <pre>{@code
 * Mono<Odds> odds = client.fetchOdds(42)
 *         .transformDeferred(LeveeOperators.hotSpot(limiter, "fixture-42"))
 *         .transformDeferred(LeveeOperators.admit(admission, "agent"));
 * }</pre>
 * A refusal is the primitive's own {@link dev.levee.core.RejectedException} as the Mono's error.
 *
 * <p>Implementation notes. A permit is ended exactly once: by the source's termination or cancellation once it was
 * subscribed, or, when the subscriber cancels first, by the cancel (the wait in the queue is given up; a permit
 * granted at that moment goes straight back). One flag decides which of the two owns the permit, as the grant
 * and the cancel may race on two threads. The source is subscribed on the thread that granted the permit, which
 * may be the one that ended another call: add {@code publishOn} or {@code subscribeOn} for real work.
 */
public final class LeveeOperators {
    private LeveeOperators() {
    }

    /** The source runs under a {@link dev.levee.core.admission.Permit} of {@code admissionClass}. */
    public static <T> Function<Mono<T>, Mono<T>> admit(PriorityAdmission admission, String admissionClass) {
        requireNonNull(admission, "admission");
        requireNonNull(admissionClass, "admissionClass");
        return source -> withPermit(() -> admission.acquire(admissionClass), source,
                dev.levee.core.admission.Permit::release, dev.levee.core.admission.Permit::release);
    }

    /**
     * The source is one upstream call in {@code key}'s window. The slot is released (it stays counted for the
     * window) once the source was subscribed, however it ends, as the call may have been sent; it is refunded
     * when the subscriber cancels before the source was subscribed.
     */
    public static <T> Function<Mono<T>, Mono<T>> hotSpot(HotSpotLimiter limiter, String key) {
        requireNonNull(limiter, "limiter");
        requireNonNull(key, "key");
        return source -> withPermit(() -> limiter.acquire(key), source,
                dev.levee.core.hotspot.Permit::release, dev.levee.core.hotspot.Permit::refund);
    }

    /**
     * Concurrent subscribers of {@code key} share one subscription of the source (the first one's): each gets its
     * value or its error. A subscriber that cancels, or that waits longer than the coalescer's max wait, gives up
     * only its own wait; the shared call goes on for the others and is never cancelled. An empty source completes
     * every subscriber empty.
     */
    public static <K, T> Function<Mono<T>, Mono<T>> coalesce(RequestCoalescer<K, T> coalescer, K key) {
        requireNonNull(coalescer, "coalescer");
        requireNonNull(key, "key");
        // the flight's future is Mono.toFuture() of the source, which nothing here ever cancels; each subscriber
        // gets a future of its own, and cancelling that one only ends its wait
        return source -> Mono.defer(() -> Mono.fromFuture(coalescer.join(key, source::toFuture).result(), false));
    }

    private static <P, T> Mono<T> withPermit(Supplier<CompletableFuture<P>> acquire, Mono<T> source,
                                             Consumer<P> end, Consumer<P> unused) {
        return Mono.defer(() -> {
            CompletableFuture<P> pending = acquire.get();
            AtomicBoolean claimed = new AtomicBoolean(); // set by whichever owns the permit: the source or the cancel
            return Mono.fromFuture(pending, true) // a cancel is handled below, where the race is decided
                    .flatMap(permit -> {
                        if (!claimed.compareAndSet(false, true)) {
                            return Mono.<T>empty(); // cancelled first: the cancel gave it back
                        }
                        return source.doFinally(signal -> end.accept(permit));
                    })
                    .doOnCancel(() -> {
                        pending.cancel(false); // gives up the wait; the primitive returns a permit granted meanwhile
                        pending.thenAccept(permit -> {
                            if (claimed.compareAndSet(false, true)) {
                                unused.accept(permit); // granted, but the source never ran
                            }
                        });
                    });
        });
    }
}
