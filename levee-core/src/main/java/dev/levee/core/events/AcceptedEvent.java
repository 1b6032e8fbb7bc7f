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

import static java.util.Objects.requireNonNull;

/**
 * An event {@link EventPipeline#submit} accepted: it is queued (and, with a durable queue, stored) and will be
 * delivered at least once or dead-lettered. A refusal fails the submit's future with an
 * {@link EventRejectedException} instead.
 *
 * @param id       unique within the pipeline that accepted it
 * @param priority the priority it was accepted with, 1 (most urgent) .. {@link Event#LOWEST_PRIORITY}
 * @param state    the circuit state the decision was taken in
 */
public record AcceptedEvent(String id, int priority, CircuitState state) {
    public AcceptedEvent {
        requireNonNull(id, "id");
        requireNonNull(state, "state");
    }
}
