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
import java.util.SplittableRandom;

/**
 * How clients pick the key (fixture id) of each request, over keys 1..K: uniformly, or Zipf-distributed with
 * exponent s (key 1 the most popular), which is how a few big matches draw most of the traffic.
 * Text form: {@code uniform:1000} or {@code zipf:1.1:1000}.
 */
public sealed interface KeyDistribution {
    /** Largest key space accepted (the Zipf table costs 8 bytes per key). */
    int MAX_KEYS = 10_000_000;

    int keys();

    /** A sampler; thread-safe (immutable), the randomness comes from the caller's generator. */
    Sampler sampler();

    interface Sampler {
        /** A key in 1..K. */
        long next(SplittableRandom random);
    }

    record Uniform(int keys) implements KeyDistribution {
        public Uniform {
            checkKeys(keys);
        }

        @Override
        public Sampler sampler() {
            return random -> 1 + random.nextInt(keys);
        }

        @Override
        public String toString() {
            return "uniform:" + keys;
        }
    }

    record Zipf(double exponent, int keys) implements KeyDistribution {
        public Zipf {
            if (!(exponent > 0) || exponent > 10) {
                throw new IllegalArgumentException("zipf exponent: " + exponent + " (expected: > 0 and <= 10)");
            }
            checkKeys(keys);
        }

        /** Inverse-CDF sampling over a precomputed cumulative table: exact, O(log K) per draw. */
        @Override
        public Sampler sampler() {
            double[] cdf = new double[keys];
            double sum = 0;
            for (int k = 1; k <= keys; k++) {
                sum += 1 / Math.pow(k, exponent);
                cdf[k - 1] = sum;
            }
            double total = sum;
            return random -> {
                double u = random.nextDouble() * total;
                int lo = 0;
                int hi = cdf.length - 1;
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    if (cdf[mid] < u) {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                return lo + 1L;
            };
        }

        @Override
        public String toString() {
            return "zipf:" + exponent + ":" + keys;
        }
    }

    static KeyDistribution uniform(int keys) {
        return new Uniform(keys);
    }

    static KeyDistribution zipf(double exponent, int keys) {
        return new Zipf(exponent, keys);
    }

    /** Parses {@code uniform:K} or {@code zipf:S:K}. */
    static KeyDistribution parse(String text) {
        String[] p = text.trim().toLowerCase(Locale.ROOT).split(":");
        try {
            if (p.length == 2 && p[0].equals("uniform")) {
                return new Uniform(Integer.parseInt(p[1]));
            }
            if (p.length == 3 && p[0].equals("zipf")) {
                return new Zipf(Double.parseDouble(p[1]), Integer.parseInt(p[2]));
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("keys: '" + text + "' (expected: uniform:K or zipf:S:K, such as zipf:1.1:1000)");
    }

    private static void checkKeys(int keys) {
        if (keys < 1 || keys > MAX_KEYS) {
            throw new IllegalArgumentException("keys: " + keys + " (expected: 1.." + MAX_KEYS + ")");
        }
    }
}
