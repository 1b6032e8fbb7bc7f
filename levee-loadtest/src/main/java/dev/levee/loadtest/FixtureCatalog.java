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

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates the simulator's fixtures, deterministically from a seed and a base time. Fixture ids are 1..count so a
 * load generator's key k (1..K) is fixture k. Every 20th fixture (ids 1, 21, 41, ...) is a major event in a big
 * competition starting within the next two hours, so cache warming "before kick-off" is observable in a demo; the
 * rest start between three hours ago and seven days ahead.
 */
final class FixtureCatalog {
    private record League(String sport, String name, List<String> teams) {}

    private static final List<League> LEAGUES = List.of(
            new League("soccer", "Premier League", List.of("Arsenal", "Aston Villa", "Brighton", "Chelsea",
                    "Crystal Palace", "Everton", "Liverpool", "Manchester City", "Manchester United",
                    "Newcastle United", "Tottenham Hotspur", "West Ham United")),
            new League("soccer", "Champions League", List.of("Real Madrid", "FC Barcelona", "Bayern Munich",
                    "Paris Saint-Germain", "Inter Milan", "Juventus", "Borussia Dortmund", "Benfica", "Porto",
                    "Ajax")),
            new League("soccer", "La Liga", List.of("Atletico Madrid", "Sevilla", "Valencia", "Villarreal",
                    "Real Sociedad", "Real Betis", "Athletic Club", "Girona")),
            new League("soccer", "Bundesliga", List.of("RB Leipzig", "Bayer Leverkusen", "Eintracht Frankfurt",
                    "VfB Stuttgart", "SC Freiburg", "Union Berlin", "Werder Bremen", "Wolfsburg")),
            new League("soccer", "Serie A", List.of("AC Milan", "Napoli", "AS Roma", "Lazio", "Atalanta",
                    "Fiorentina", "Torino", "Bologna")),
            new League("basketball", "NBA", List.of("Boston Celtics", "Los Angeles Lakers", "Golden State Warriors",
                    "Miami Heat", "Denver Nuggets", "Milwaukee Bucks", "Phoenix Suns", "Dallas Mavericks")),
            new League("ice_hockey", "NHL", List.of("Toronto Maple Leafs", "Montreal Canadiens", "Boston Bruins",
                    "New York Rangers", "Edmonton Oilers", "Colorado Avalanche", "Vegas Golden Knights")),
            new League("american_football", "NFL", List.of("Kansas City Chiefs", "San Francisco 49ers",
                    "Philadelphia Eagles", "Dallas Cowboys", "Buffalo Bills", "Baltimore Ravens",
                    "Green Bay Packers", "Detroit Lions")),
            new League("tennis", "ATP Tour", List.of("C. Alcaraz", "J. Sinner", "N. Djokovic", "D. Medvedev",
                    "A. Zverev", "H. Rune", "C. Ruud", "T. Fritz")));

    /** The competitions whose fixtures are flagged major events. */
    private static final List<Integer> MAJOR = List.of(1, 0, 5, 7);

    private FixtureCatalog() {}

    static List<Fixture> generate(int count, long seed, Instant base) {
        SplittableRandom random = new SplittableRandom(seed);
        Instant origin = base.truncatedTo(ChronoUnit.MINUTES);
        List<Fixture> out = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            boolean major = i % 20 == 1;
            League league = major
                    ? LEAGUES.get(MAJOR.get((i / 20) % MAJOR.size()))
                    : LEAGUES.get(random.nextInt(LEAGUES.size()));
            int home = random.nextInt(league.teams().size());
            int away = (home + 1 + random.nextInt(league.teams().size() - 1)) % league.teams().size();
            long offsetMinutes = major
                    ? 5 + random.nextInt(24) * 5L                      // 5 .. 120 minutes ahead
                    : -180 + random.nextInt((7 * 24 * 60 + 180) / 5) * 5L; // -3 h .. +7 d, on 5-minute marks
            out.add(new Fixture(i, league.sport(), league.name(), league.teams().get(home),
                    league.teams().get(away), origin.plus(Duration.ofMinutes(offsetMinutes)), major));
        }
        return Collections.unmodifiableList(out);
    }
}
