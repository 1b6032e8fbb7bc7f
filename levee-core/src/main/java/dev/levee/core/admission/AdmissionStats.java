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
package dev.levee.core.admission;

import java.util.List;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * A consistent snapshot of a {@link PriorityAdmission}: every figure was read at the same instant, so
 * {@code inFlight} equals the sum of the classes' in-flight counts and {@code queued} the sum of their depths.
 *
 * @param maxConcurrent the limit now (with an adaptive limit, the value it has at this instant)
 * @param classes highest priority first
 * @param adaptive the adaptive limit's view, null with a static limit
 */
public record AdmissionStats(int maxConcurrent, int inFlight, int queued, int queueCapacity,
                             List<ClassStats> classes, @Nullable AdaptiveLimitStats adaptive) {
    public AdmissionStats {
        classes = List.copyOf(requireNonNull(classes, "classes"));
    }

    public ClassStats forClass(String name) {
        for (ClassStats c : classes) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        throw new NoSuchElementException("class: " + name + " (expected one of " + classes.stream()
                .map(ClassStats::name).toList() + ")");
    }
}
