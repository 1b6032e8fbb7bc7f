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

import static dev.levee.core.internal.Arguments.atLeast;
import static java.util.Objects.requireNonNull;

/**
 * An event claimed from an {@link EventQueue} for one delivery attempt. The claimer must end it with exactly one
 * of {@link EventQueue#ack}, {@link EventQueue#retryLater} or {@link EventQueue#deadLetter}.
 *
 * @param attempt 1 for the first attempt, counting every attempt since the event was accepted (or replayed)
 */
public record Delivery(Event event, int attempt) {
    public Delivery {
        requireNonNull(event, "event");
        atLeast("attempt", attempt, 1);
    }
}
