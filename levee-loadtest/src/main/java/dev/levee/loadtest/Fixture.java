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
