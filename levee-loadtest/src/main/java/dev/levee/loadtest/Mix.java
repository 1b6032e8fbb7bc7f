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

/**
 * Stateless pseudo-random numbers from (seed, index): the same seed and index always give the same value, whatever
 * thread asks. The simulator draws its error and jitter decisions from a shared counter through this, so a run is
 * reproducible in distribution without a lock around a shared {@link java.util.Random}.
 */
final class Mix {
    private Mix() {}

    /** SplittableRandom's finaliser (Stafford variant 13). */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A uniform double in [0, 1) for (seed, index). */
    static double unit(long seed, long index) {
        return (mix64(seed * 0x9e3779b97f4a7c15L + index) >>> 11) * 0x1.0p-53;
    }
}
