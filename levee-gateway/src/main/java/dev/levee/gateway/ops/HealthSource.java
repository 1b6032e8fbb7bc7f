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
package dev.levee.gateway.ops;

/** A section of {@code GET /health} and a vote in {@code /health/readiness} (every gateway feature is one). */
public interface HealthSource {

    /** The section name in {@code GET /health}, e.g. {@code "admission"}. */
    String name();

    /** This section of {@code GET /health}. */
    HealthReport health();

    /** False while this source cannot take traffic; {@code /health/readiness} is not-ready then. */
    default boolean ready() {
        return true;
    }
}
