package dev.levee.core.events;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Where workers deliver events. A delivery succeeds when the returned stage completes normally; an exceptional
 * completion (or a thrown exception, or no completion within the delivery timeout) is a failed attempt that is
 * retried with backoff and, after the last attempt, dead-lettered.
 *
 * <p>Delivery is at-least-once: an attempt that timed out may still have reached the sink before it is retried.
 */
@FunctionalInterface
public interface EventSink {

    /** Starts delivering; must not block (hand blocking work to an executor, see {@link #blocking}). */
    CompletionStage<?> deliver(Delivery delivery);

    /**
     * An in-process handler for library users: runs {@code handler} on {@code executor}; a thrown exception is a
     * failed attempt.
     */
    static EventSink blocking(Consumer<? super Event> handler, Executor executor) {
        requireNonNull(handler, "handler");
        requireNonNull(executor, "executor");
        return delivery -> CompletableFuture.runAsync(() -> handler.accept(delivery.event()), executor);
    }
}
