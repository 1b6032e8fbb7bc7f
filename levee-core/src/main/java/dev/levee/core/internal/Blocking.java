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
package dev.levee.core.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * The blocking conveniences of the primitives (for virtual-thread code) share these, so each waits, unwraps and
 * reacts to an interrupt the same way. Internal (see the package notes): not part of Levee's API.
 */
public final class Blocking {
    private Blocking() {}

    /** Runs a blocking {@code work} as a stage: its value, or its RuntimeException as the stage's failure. */
    public static <T> CompletionStage<T> stage(Supplier<? extends T> work) {
        try {
            return CompletableFuture.completedFuture(work.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Waits for {@code future} and returns its value. Its failure is thrown unwrapped when it is a
     * RuntimeException or an Error (a {@code RejectedException} as is, the work's own exception as is), else
     * wrapped in a {@link CompletionException}. On an interrupt the future is cancelled (which gives up only
     * this caller's wait), the interrupt flag is set again and a {@link CancellationException} naming
     * {@code what} is thrown.
     */
    public static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(false);
            Thread.currentThread().interrupt();
            CancellationException c = new CancellationException("interrupted while waiting for " + what);
            c.initCause(e);
            throw c;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new CompletionException(cause);
        }
    }
}
