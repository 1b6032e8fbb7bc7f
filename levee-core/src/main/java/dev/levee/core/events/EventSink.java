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
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * Where workers deliver events. A delivery succeeds when the returned stage completes normally; an exceptional
 * completion (or a thrown exception, or no completion within the delivery timeout) is a failed attempt that is
 * retried with backoff and, after the last attempt, dead-lettered.
 *
 * <p>Delivery is at-least-once: an attempt that timed out may still have reached the sink before it is retried.
 *
 * @param <T> the payload type, decoded by the pipeline's {@link PayloadCodec}
 */
@FunctionalInterface
public interface EventSink<T> {

    /**
     * Starts delivering; must not block (hand blocking work to an executor, see {@link #blocking}).
     *
     * @param delivery the event as stored (its payload is the stored text) and the attempt number
     * @param payload  the event's payload decoded, or null when it has none
     */
    CompletionStage<?> deliver(Delivery delivery, @Nullable T payload);

    /**
     * An in-process handler for library users: runs {@code handler} with the event and its decoded payload on
     * {@code executor}; a thrown exception is a failed attempt.
     */
    static <T> EventSink<T> blocking(BiConsumer<? super Event, ? super T> handler, Executor executor) {
        requireNonNull(handler, "handler");
        requireNonNull(executor, "executor");
        return (delivery, payload) -> CompletableFuture.runAsync(() -> handler.accept(delivery.event(), payload),
                executor);
    }
}
