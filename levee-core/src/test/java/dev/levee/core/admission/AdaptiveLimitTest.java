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

import dev.levee.core.time.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The algorithm on synthetic latency traces (time is the trace's own, as a Ticker would give it), and its
 * enforcement by the admission on a ManualTicker.
 */
class AdaptiveLimitTest {
    private static final long MS = 1_000_000L;

    /** A backend that serves {@code capacity} at once in {@code baseMs}; more queue inside it. */
    private record Backend(double baseMs, int capacity) {
        double latencyMs(int inFlight) {
            return baseMs * Math.max(1.0, (double) inFlight / capacity);
        }
    }

    private long clock;

    /** One window's worth of samples with every permit of the limit in use (a saturating client mix). */
    private int saturatedWindow(AdaptiveLimit limit, Backend backend) {
        int l = limit.current();
        return window(limit, backend.latencyMs(l), l);
    }

    /** 20 samples, 5 ms apart, each of {@code rttMs}, with {@code inFlight} permits held. */
    private int window(AdaptiveLimit limit, double rttMs, int inFlight) {
        int now = limit.current();
        for (int i = 0; i < AdaptiveLimit.WINDOW_SAMPLES; i++) {
            now = limit.onSample(clock, (long) (rttMs * MS), inFlight, false);
            clock += 5 * MS;
        }
        return now;
    }

    private int run(AdaptiveLimit limit, Backend backend, int windows) {
        for (int i = 0; i < windows; i++) {
            saturatedWindow(limit, backend);
        }
        return limit.current();
    }

    @Test
    void convergesUpToTheBackendsCapacityAndStopsThere() {
        AdaptiveLimit limit = AdaptiveLimit.builder().initial(20).build();
        Backend backend = new Backend(10, 200);
        int settled = run(limit, backend, 300);
        // it found the capacity (and a little queue: tolerance 1.5 plus headroom), far from initial and from max
        assertThat(settled).isBetween(200, 400);
        assertThat(backend.latencyMs(settled)).isLessThan(2.0 * backend.baseMs());
        assertThat(limit.stats(clock).sinceLastChange()).isNotNull();
        assertThat(limit.stats(clock).windows()).isEqualTo(300);
    }

    @Test
    void backsOffWhenTheBackendGetsSlowerAndFollowsItsCapacityDown() {
        AdaptiveLimit limit = AdaptiveLimit.builder().initial(20).build();
        int high = run(limit, new Backend(10, 200), 300);
        int low = run(limit, new Backend(10, 50), 60); // capacity drops to a quarter: latency rises
        assertThat(low).isLessThan(high / 2);
        assertThat(low).isBetween(50, 150);
    }

    @Test
    void aLatencyRiseAtTheSameConcurrencyCutsTheLimit() {
        AdaptiveLimit limit = AdaptiveLimit.builder().initial(100).build();
        for (int i = 0; i < 20; i++) {
            window(limit, 10, 100);
        }
        int before = limit.current();
        for (int i = 0; i < 10; i++) {
            window(limit, 40, limit.current());
        }
        assertThat(limit.current()).isLessThan((int) (before * 0.7));
    }

    @Test
    void ignoresASingleOutlier() {
        AdaptiveLimit limit = AdaptiveLimit.builder().initial(100).build();
        for (int i = 0; i < 10; i++) {
            window(limit, 10, 100);
        }
        int before = limit.current();
        for (int i = 0; i < AdaptiveLimit.WINDOW_SAMPLES; i++) {
            long rtt = i == 7 ? 5_000 * MS : 10 * MS; // one request took 5 s
            limit.onSample(clock, rtt, 100, false);
            clock += 5 * MS;
        }
        assertThat(limit.current()).isGreaterThanOrEqualTo(before);
        assertThat(limit.stats(clock).recentRttMs()).isEqualTo(10.0);
    }

    @Test
    void neverGoesBelowMinNorAboveMax() {
        AdaptiveLimit limit = AdaptiveLimit.builder().min(5).max(60).initial(30).build();
        for (int i = 0; i < 5; i++) {
            window(limit, 10, 30);
        }
        int lowest = Integer.MAX_VALUE;
        for (int i = 0; i < 200; i++) {
            window(limit, 10_000, limit.current()); // a backend a thousand times slower
            lowest = Math.min(lowest, limit.current());
        }
        assertThat(lowest).isEqualTo(5);
        // and a backend that stays that slow becomes the new normal: the limit leaves min again, slowly
        assertThat(limit.current()).isBetween(5, 30);
        AdaptiveLimit fast = AdaptiveLimit.builder().min(5).max(60).initial(30).build();
        for (int i = 0; i < 200; i++) {
            window(fast, 10, fast.current());
            assertThat(fast.current()).isLessThanOrEqualTo(60);
        }
        assertThat(fast.current()).isEqualTo(60);
    }

    @Test
    void doesNotGrowWhileTheLimitIsNotUsed() {
        AdaptiveLimit limit = AdaptiveLimit.builder().initial(100).build();
        for (int i = 0; i < 100; i++) {
            window(limit, 10, 10); // ten in flight of a hundred: idle traffic proves nothing
        }
        assertThat(limit.current()).isEqualTo(100);
    }

    @Test
    void dropsBackOff() {
        AdaptiveLimit limit = AdaptiveLimit.builder().initial(100).build();
        for (int i = 0; i < AdaptiveLimit.WINDOW_SAMPLES; i++) {
            limit.onSample(clock, 10 * MS, 100, i % 4 == 0); // a quarter timed out
            clock += 5 * MS;
        }
        assertThat(limit.current()).isEqualTo(90);
    }

    @Test
    void aWindowNeedsItsTimeAsWellAsItsSamples() {
        AdaptiveLimit limit = AdaptiveLimit.builder().initial(100).build();
        for (int i = 0; i < 1000; i++) {
            limit.onSample(clock, MS, 100, false); // a thousand samples within a millisecond or two
            clock += 1_000;
        }
        assertThat(limit.stats(clock).windows()).isZero();
        assertThat(limit.stats(clock).sinceLastChange()).isNull();
    }

    @Test
    void builderRejectsBadBoundsWithTheValue() {
        assertThatThrownBy(() -> AdaptiveLimit.builder().min(0)).hasMessage("min: 0 (expected: > 0)");
        assertThatThrownBy(() -> AdaptiveLimit.builder().min(10).max(5).build())
                .hasMessage("min: 10 (expected: <= max 5)");
        assertThatThrownBy(() -> AdaptiveLimit.builder().min(10).max(50).initial(60).build())
                .hasMessage("initial: 60 (expected: between min 10 and max 50)");
        assertThat(AdaptiveLimit.builder().min(100).max(200).build().current()).isEqualTo(100); // default within
    }

    // enforcement by the admission

    private final ManualTicker ticker = new ManualTicker();

    /** The permit {@code f} was granted (never blocks: a test that expected a grant fails instead of hanging). */
    private static Permit granted(CompletableFuture<Permit> f) {
        assertThat(f).isDone();
        return f.join();
    }

    private PriorityAdmission admission(AdaptiveLimit limit) {
        return PriorityAdmission.builder().addClass("agent").addClass("browser").adaptiveLimit(limit)
                .maxWait(Duration.ofSeconds(30)).ticker(ticker).scheduler(ticker).build();
    }

    @Test
    void sampledReleasesHandPermitsOnInStrictPriorityOrder() {
        AdaptiveLimit limit = AdaptiveLimit.builder().initial(10).build();
        PriorityAdmission a = admission(limit);
        List<Permit> held = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            held.add(granted(a.acquire("browser")));
        }
        CompletableFuture<Permit> browser = a.acquire("browser");
        List<CompletableFuture<Permit>> agents = List.of(a.acquire("agent"), a.acquire("agent"));
        ticker.advance(Duration.ofMillis(5));
        held.remove(0).release();
        assertThat(agents.get(0)).isDone();
        assertThat(agents.get(1)).isNotDone();
        held.remove(0).release();
        assertThat(agents.get(1)).isDone();
        assertThat(browser).isNotDone();
        held.remove(0).release();
        assertThat(browser).isDone();
        assertThat(a.stats().inFlight()).isEqualTo(10);
        assertThat(a.stats().adaptive()).isNotNull();
    }

    @Test
    void aRaiseGrantsSeveralWaitersAtOnceTopClassFirst() {
        AdaptiveLimit limit = AdaptiveLimit.builder().initial(100).build();
        PriorityAdmission a = admission(limit);
        List<Permit> held = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            held.add(granted(a.acquire("browser")));
        }
        List<CompletableFuture<Permit>> browsers = new ArrayList<>();
        // 19 sampled releases, 5 ms apart, each handing its permit to a queued browser: every permit stays in use
        for (int i = 0; i < AdaptiveLimit.WINDOW_SAMPLES - 1; i++) {
            ticker.advance(Duration.ofMillis(5));
            CompletableFuture<Permit> b = a.acquire("browser");
            assertThat(b).isNotDone();
            held.remove(0).release();
            held.add(granted(b));
        }
        browsers.add(a.acquire("browser"));
        browsers.add(a.acquire("browser"));
        List<CompletableFuture<Permit>> agents = List.of(a.acquire("agent"), a.acquire("agent"), a.acquire("agent"));
        assertThat(a.stats().queued()).isEqualTo(5);
        assertThat(limit.stats(ticker.read()).windows()).isZero();
        ticker.advance(Duration.ofMillis(5));
        held.remove(0).release(); // the 20th sample closes the window: 100 -> 102, so three permits are free
        assertThat(a.maxConcurrent()).isEqualTo(102);
        assertThat(agents).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(browsers).noneMatch(CompletableFuture::isDone);
        assertThat(a.stats().inFlight()).isEqualTo(102);
        assertThat(a.stats().adaptive()).isNotNull();
        assertThat(requireNonNull(a.stats().adaptive()).limit()).isEqualTo(102);
    }

    @Test
    void releasesWithoutSampleFeedNothing() {
        AdaptiveLimit limit = AdaptiveLimit.builder().initial(10).build();
        PriorityAdmission a = admission(limit);
        for (int i = 0; i < 100; i++) {
            Permit p = granted(a.acquire("agent"));
            ticker.advance(Duration.ofSeconds(1));
            p.releaseWithoutSample(); // a cache hit, however slow, says nothing about the backend
        }
        assertThat(limit.stats(ticker.read()).windows()).isZero();
    }

    @Test
    void aCutNeverRevokesHeldPermitsItJustGrantsFewer() {
        AdaptiveLimit limit = AdaptiveLimit.builder().initial(40).build();
        PriorityAdmission a = admission(limit);
        for (int i = 0; i < AdaptiveLimit.WINDOW_SAMPLES; i++) { // a fast window: the baseline, 5 ms
            Permit p = granted(a.acquire("browser"));
            ticker.advance(Duration.ofMillis(5));
            p.release();
        }
        assertThat(a.maxConcurrent()).isEqualTo(40); // one in flight of 40: no reason to grow
        List<Permit> held = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            held.add(granted(a.acquire("browser")));
        }
        ticker.advance(Duration.ofSeconds(2)); // the backend now takes two seconds
        for (int i = 0; i < AdaptiveLimit.WINDOW_SAMPLES - 1; i++) {
            held.remove(0).release();
            held.add(granted(a.acquire("browser"))); // the freed permit, at once
        }
        held.remove(0).release(); // window closes: 40 -> 37
        assertThat(a.maxConcurrent()).isEqualTo(37);
        assertThat(a.stats().inFlight()).isEqualTo(39); // held permits are kept
        CompletableFuture<Permit> agent = a.acquire("agent");
        assertThat(agent).isNotDone();
        held.remove(0).releaseWithoutSample();
        held.remove(0).releaseWithoutSample();
        assertThat(agent).isNotDone(); // 37 in flight: still at the limit
        held.remove(0).releaseWithoutSample();
        assertThat(agent).isDone();
        assertThat(a.stats().inFlight()).isEqualTo(37);
    }

    @Test
    void oneLimitServesOneAdmissionAndNotBesideAStaticOne() {
        AdaptiveLimit limit = AdaptiveLimit.builder().build();
        admission(limit);
        assertThatThrownBy(() -> admission(limit)).hasMessageContaining("already used by another admission");
        assertThatThrownBy(() -> PriorityAdmission.builder().addClass("a").maxConcurrent(5)
                .adaptiveLimit(AdaptiveLimit.builder().build()).scheduler(ticker).build())
                .hasMessage("maxConcurrent: 5 (expected: either maxConcurrent or adaptiveLimit, not both)");
    }

    @Test
    void aStaticAdmissionHasNoAdaptiveStats() {
        PriorityAdmission a = PriorityAdmission.builder().addClass("a").maxConcurrent(5).scheduler(ticker)
                .ticker(ticker).build();
        assertThat(a.stats().adaptive()).isNull();
        assertThat(granted(a.acquire("a")).releaseWithoutSample()).isTrue();
    }
}
