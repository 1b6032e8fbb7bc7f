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

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DrainRateTest {
    private static final long S = 1_000_000_000L;

    @Test
    void youngInstanceDividesByItsAgeButAtLeastOneSecond() {
        DrainRate r = new DrainRate(0);
        for (int i = 0; i < 5; i++) {
            r.record(S / 10);
        }
        assertThat(r.perSecond(S / 2)).isEqualTo(5.0); // half a second old: still divided by one second
        assertThat(r.perSecond(2 * S + S / 2)).isCloseTo(2.0, within(1e-9)); // 5 over 2.5 s
    }

    @Test
    void countsOlderThanTheWindowDropOut() {
        DrainRate r = new DrainRate(0);
        long now = 29 * S + S / 2;
        for (long t = 0; t < now; t += S / 10) { // steady 10/s, evenly spread, up to now
            r.record(t);
        }
        // the last 10 whole seconds (100) plus the half second so far (5), over 10.5 s
        assertThat(r.perSecond(now)).isCloseTo(10.0, within(1e-9));
        // nothing for 11 s: everything has left the window
        assertThat(r.perSecond(41 * S)).isZero();
        // a burst after a quiet spell counts only itself
        r.record(41 * S);
        assertThat(r.perSecond(41 * S)).isCloseTo(1 / 10.0, within(1e-9));
    }
}
