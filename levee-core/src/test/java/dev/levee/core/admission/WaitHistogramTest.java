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
