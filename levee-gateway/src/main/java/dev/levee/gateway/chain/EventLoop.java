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
package dev.levee.gateway.chain;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The one way a stage continues on the request's event loop after core work. Core's futures complete wherever the
 * work finished (a permit released on another event loop, a timer, a Redis or queue executor); a request may only be
 * touched on its own context. Both helpers are Vert.x 5's {@link Future#fromCompletionStage(CompletionStage, Context)}:
 * a completion on the context itself runs its listeners at once, any other is handed to the context.
 */
public final class EventLoop {
    private EventLoop() {}

    /**
     * The outcome of {@code stage} as a future whose listeners run on the caller's context (at once when
     * {@code stage} completes there, or already has). Called on the request's event loop.
     */
    public static <T> Future<T> resume(CompletionStage<T> stage) {
        Context context = Vertx.currentContext();
        return context == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, context);
    }

    /**
     * {@code work} bound to the caller's context: whoever calls the returned supplier (core starts a load from a
     * Redis coordinator's thread, or a timer that granted a slot), {@code work} runs on the event loop the request
     * came in on (at once when called there) and the supplier answers with its outcome.
     */
    public static <T> Supplier<CompletionStage<T>> startingHere(Supplier<? extends CompletionStage<T>> work) {
        Context origin = Vertx.currentContext();
        return () -> startOn(origin, work);
    }

    /**
     * Runs {@code work} on {@code origin} (at once when called there; null: here) and answers with its outcome: what
     * {@link #startingHere} returns, for a caller that took {@link Vertx#currentContext()} itself (a loader object
     * that is built on every request, where the lambda of {@code startingHere} would be one allocation more).
     */
    public static <T> CompletionStage<T> startOn(Context origin, Supplier<? extends CompletionStage<T>> work) {
        if (origin == null || Vertx.currentContext() == origin) {
            return work.get();
        }
        Promise<CompletionStage<T>> started = Promise.promise();
        origin.runOnContext(v -> {
            try {
                started.complete(work.get());
            } catch (Throwable t) {
                started.fail(t);
            }
        });
        return started.future().compose(Future::fromCompletionStage).toCompletionStage();
    }
}
