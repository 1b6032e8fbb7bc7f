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

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class WaitHistogramTest {

    @Test
    void bucketsAreContiguousAndNarrow() {
        long prevMid = -1;
        for (int i = 0; i < WaitHistogram.BUCKETS; i++) {
            long mid = WaitHistogram.midpointMicros(i);
            assertThat(mid).isGreaterThan(prevMid);
            assertThat(WaitHistogram.index(mid)).isEqualTo(i);
            prevMid = mid;
        }
        for (long v = 1; v < (1L << 40); v = v * 3 + 1) {
            long mid = WaitHistogram.midpointMicros(WaitHistogram.index(v));
            assertThat((double) Math.abs(mid - v)).isLessThanOrEqualTo(Math.max(1, v / 32.0 + 1));
        }
        assertThat(WaitHistogram.index(Long.MAX_VALUE / 1000)).isEqualTo(WaitHistogram.BUCKETS - 1);
    }

    @Test
    void quantilesOfAUniformSpread() {
        WaitHistogram h = new WaitHistogram();
        for (int ms = 1; ms <= 1000; ms++) {
            h.record(Duration.ofMillis(ms).toNanos());
        }
        assertThat(h.count()).isEqualTo(1000);
        assertThat(h.average().toNanos()).isEqualTo(Duration.ofMillis(500).toNanos() + 500_000);
        assertThat(h.quantile(0.5).toMillis()).isBetween(485L, 515L);
        assertThat(h.quantile(0.99).toMillis()).isBetween(960L, 1020L);
        h.remove(Duration.ofMillis(1000).toNanos());
        assertThat(h.count()).isEqualTo(999);
    }
}
