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

import dev.levee.core.RejectedException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** A submit's outcome, accepted or refused, so tests can assert on either in one line. */
record Outcome(String id, int priority, RejectReason reason, long retryAfterSeconds, CircuitState state) {

    static Outcome of(CompletableFuture<AcceptedEvent> submitted) {
        try {
            AcceptedEvent a = submitted.join();
            return new Outcome(a.id(), a.priority(), null, 0, a.state());
        } catch (CompletionException e) {
            if (e.getCause() instanceof EventRejectedException r) {
                return new Outcome(null, r.priority(), r.reason(), RejectedException.retryAfterSeconds(r.retryAfter()),
                        r.state());
            }
            throw e;
        }
    }

    boolean accepted() {
        return reason == null;
    }
}
