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
package dev.levee.loadtest;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** One fixture (a scheduled match) of the simulated odds feed. */
public record Fixture(long fixtureId, String sport, String league, String homeTeam, String awayTeam,
                      Instant startTime, boolean majorEvent) {
    public Fixture {
        if (fixtureId <= 0) {
            throw new IllegalArgumentException("fixtureId: " + fixtureId + " (expected: > 0)");
        }
        requireNonNull(sport, "sport");
        requireNonNull(league, "league");
        requireNonNull(homeTeam, "homeTeam");
        requireNonNull(awayTeam, "awayTeam");
        requireNonNull(startTime, "startTime");
    }
}
