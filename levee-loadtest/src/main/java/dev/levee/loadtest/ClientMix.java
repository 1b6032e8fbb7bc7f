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

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The share of clients in each class, e.g. {@code agent=10,active_bettor=30,browser=60}. Weights need not add up to
 * 100: they are normalised to fractions, so {@code agent=1,browser=1} equals {@code agent=50,browser=50}.
 */
public record ClientMix(Map<ClientClass, Double> weights) {
    /** 10 % agents, 30 % active bettors, 60 % browsers. */
    public static final ClientMix DEFAULT = parse("agent=10,active_bettor=30,browser=60");

    public ClientMix {
        requireNonNull(weights, "weights");
        EnumMap<ClientClass, Double> copy = new EnumMap<>(ClientClass.class);
        double sum = 0;
        for (ClientClass c : ClientClass.values()) {
            double w = weights.getOrDefault(c, 0.0);
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("mix weight of " + c.wireName() + ": " + w + " (expected: >= 0)");
            }
            copy.put(c, w);
            sum += w;
        }
        if (sum <= 0) {
            throw new IllegalArgumentException("mix: " + weights + " (expected: at least one weight > 0)");
        }
        // normalised, so equal shares are equal mixes whatever scale the weights were given in
        for (ClientClass c : ClientClass.values()) {
            copy.put(c, copy.getOrDefault(c, 0.0) / sum);
        }
        weights = Collections.unmodifiableMap(copy);
    }

    /** Parses {@code agent=10,active_bettor=30,browser=60}; classes left out get 0. */
    public static ClientMix parse(String text) {
        requireNonNull(text, "text");
        EnumMap<ClientClass, Double> w = new EnumMap<>(ClientClass.class);
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("mix: '" + text + "' (expected: class=weight,..., such as "
                        + "agent=10,active_bettor=30,browser=60)");
            }
            ClientClass c = ClientClass.parse(part.substring(0, eq));
            try {
                w.put(c, Double.parseDouble(part.substring(eq + 1).trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("mix weight of " + c.wireName() + ": '" + part.substring(eq + 1)
                        + "' (expected: a number)");
            }
        }
        return new ClientMix(w);
    }

    /** One class: every client is of class {@code c}. */
    public static ClientMix only(ClientClass c) {
        return new ClientMix(Map.of(c, 1.0));
    }

    /** The fraction (0..1) of clients in class {@code c}. */
    public double fraction(ClientClass c) {
        return weights.getOrDefault(c, 0.0);
    }

    /**
     * Splits {@code clients} into classes by the largest-remainder method, so the counts add up exactly and follow
     * the weights as closely as integers allow (1,000 clients at 10/30/60 are 100/300/600).
     */
    public Map<ClientClass, Integer> allocate(int clients) {
        EnumMap<ClientClass, Integer> out = new EnumMap<>(ClientClass.class);
        EnumMap<ClientClass, Double> rem = new EnumMap<>(ClientClass.class);
        int given = 0;
        for (ClientClass c : ClientClass.values()) {
            double exact = clients * fraction(c);
            int n = (int) Math.floor(exact);
            out.put(c, n);
            rem.put(c, exact - n);
            given += n;
        }
        while (given < clients) {
            ClientClass best = null;
            for (ClientClass c : ClientClass.values()) {
                if (best == null || rem.getOrDefault(c, 0.0) > rem.getOrDefault(best, 0.0)) {
                    best = c;
                }
            }
            out.merge(best, 1, Integer::sum);
            rem.put(best, -1.0);
            given++;
        }
        return Collections.unmodifiableMap(out);
    }

    /** {@code agent=10,active_bettor=30,browser=60} in percent. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (ClientClass c : ClientClass.values()) {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            double pct = fraction(c) * 100;
            sb.append(c.wireName()).append('=').append(pct == Math.rint(pct) ? String.valueOf((long) pct)
                    : String.format(java.util.Locale.ROOT, "%.2f", pct));
        }
        return sb.toString();
    }
}
