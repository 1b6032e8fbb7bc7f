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

import static java.util.Objects.requireNonNull;

/**
 * One section of {@code GET /health}: a status and the capability's figures, an immutable view record of the
 * feature (rendered as JSON after the status, its components in snake_case; see {@code JsonResponses.MAPPER}).
 *
 * @param status  the section's health
 * @param details the figures: a record whose components become the section's fields
 */
public record HealthReport(HealthStatus status, Object details) {
    public HealthReport {
        requireNonNull(status, "status");
        requireNonNull(details, "details");
    }

    public static HealthReport up(Object details) {
        return new HealthReport(HealthStatus.UP, details);
    }
}
