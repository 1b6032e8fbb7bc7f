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
