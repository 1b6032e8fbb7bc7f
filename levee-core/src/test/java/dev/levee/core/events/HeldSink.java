package dev.levee.core.events;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedDeque;

/** A sink whose deliveries stay in flight until the test completes them: depth is under the test's control. */
final class HeldSink implements EventSink<Object> {
    record Held(Delivery delivery, CompletableFuture<Void> future) {}

    final ConcurrentLinkedDeque<Held> held = new ConcurrentLinkedDeque<>();

    @Override
    public CompletionStage<?> deliver(Delivery delivery, Object payload) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        held.addLast(new Held(delivery, f));
        return f;
    }

    /** Completes the oldest held delivery successfully; returns it. */
    Delivery succeedNext() {
        Held h = held.pollFirst();
        if (h == null) {
            throw new IllegalStateException("nothing in flight");
        }
        h.future.complete(null);
        return h.delivery;
    }

    Delivery failNext(String why) {
        Held h = held.pollFirst();
        if (h == null) {
            throw new IllegalStateException("nothing in flight");
        }
        h.future.completeExceptionally(new RuntimeException(why));
        return h.delivery;
    }
}
