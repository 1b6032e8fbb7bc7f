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

import java.util.Locale;

/** The client classes the load generator simulates, in the gateway's priority order. */
public enum ClientClass {
    /** A trader: JWT with {@code role: "agent"}. */
    AGENT("agent"),
    /** A customer who bet recently: JWT with {@code recent_bet_count: 3}. */
    ACTIVE_BETTOR("active_bettor"),
    /** An anonymous visitor: no token. */
    BROWSER("browser");

    private final String wireName;

    ClientClass(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in options, reports and the gateway's classification ({@code active_bettor}). */
    public String wireName() {
        return wireName;
    }

    /** Parses {@code agent}, {@code active_bettor} (also {@code active-bettor}) or {@code browser}. */
    public static ClientClass parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (ClientClass c : values()) {
            if (c.wireName.equals(n)) {
                return c;
            }
        }
        throw new IllegalArgumentException("client class: '" + name + "' (expected: agent, active_bettor or browser)");
    }
}
