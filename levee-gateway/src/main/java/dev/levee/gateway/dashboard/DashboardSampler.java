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
package dev.levee.gateway.dashboard;

import dev.levee.core.admission.AdmissionStats;
import dev.levee.core.admission.ClassStats;
import dev.levee.core.breaker.BreakerStats;
import dev.levee.core.coalesce.CoalescerStats;
import dev.levee.core.events.EventPipeline;
import dev.levee.core.events.EventStats;
import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.hotspot.HotSpotSnapshot;
import dev.levee.core.hotspot.KeyUsage;
import dev.levee.core.time.Ticker;
import dev.levee.gateway.GatewayFeature;
import dev.levee.gateway.admission.AdmissionFeature;
import dev.levee.gateway.config.LeveeConfig;
import dev.levee.gateway.config.RouteConfig;
import dev.levee.gateway.events.EventsFeature;
import dev.levee.gateway.hotspot.HotSpotFeature;
import dev.levee.gateway.readpath.ReadPathFeature;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads the other features' stat snapshots once per interval and keeps the last {@code capacity} samples.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li><b>True rates:</b> every rate is (counter now - counter at the previous sample) / (ticker time between
 *       the two samples), not an average since start and not the features' own smoothed rates. A counter that went
 *       down (a stats reset endpoint) gives 0 for that interval rather than a negative rate.</li>
 *   <li><b>Wait p99 per interval:</b> the p99 of the admission wait over the last interval comes from the
 *       {@code levee.admission.wait} timer's histogram: bucket counts now minus at the previous sample, then the
 *       upper bound of the bucket where 99 % of the interval's waits are reached (so it is "p99 <= bound", with the
 *       histogram's resolution). No admission in the interval gives no value rather than a stale one.</li>
 *   <li><b>Live feature list:</b> features are looked up by type in the gateway's live view at each sample, so a
 *       gateway built without some feature (tests, admission off) simply has no figures for it.</li>
 *   <li><b>Threads:</b> {@link #sample()} runs on the scheduler, {@link #since} on event loops; both are
 *       synchronized, which costs nothing at one sample a second and a few viewers.</li>
 *   <li><b>Viewers cost nothing extra:</b> {@link #current} is computed with each sample, not per request.</li>
 *   <li><b>Bounded:</b> the history is a ring of {@code capacity} samples; per-class and per-route maps are
 *       bounded by the config (classes, routes); the top view is at most {@link #TOP} keys.</li>
 * </ul>
 */
final class DashboardSampler {
    static final int TOP = 10;

    private final List<GatewayFeature> features;
    private final MeterRegistry registry;
    private final LeveeConfig config;
    private final Ticker ticker;
    private final int capacity;
    private final ArrayDeque<DashboardSample> history;
    private final Map<String, Long> previous = new HashMap<>();
    private final Map<String, HistogramSnapshot> previousWaits = new HashMap<>();
    private volatile DashboardCurrent lastCurrent;
    private long previousNanos;
    private long seq;

    DashboardSampler(List<GatewayFeature> features, MeterRegistry registry, LeveeConfig config, Ticker ticker,
                     int capacity) {
        this.features = features;
        this.registry = registry;
        this.config = config;
        this.ticker = ticker;
        this.capacity = capacity;
        this.history = new ArrayDeque<>(capacity);
    }

    private <T> T feature(Class<T> type) {
        for (GatewayFeature f : features) {
            if (type.isInstance(f)) {
                return type.cast(f);
            }
        }
        return null;
    }

    /** Takes one sample now and appends it (dropping the oldest past capacity). */
    synchronized DashboardSample sample() {
        long now = ticker.read();
        double seconds = seq == 0 ? 0 : (now - previousNanos) / 1e9;
        previousNanos = now;
        Rates r = new Rates(seconds);

        List<DashboardSample.ClassPoint> classes = new ArrayList<>();
        AdmissionFeature admission = feature(AdmissionFeature.class);
        if (admission != null) {
            for (ClassStats c : admission.admission().stats().classes()) {
                classes.add(new DashboardSample.ClassPoint(c.name(),
                        r.rate("admitted." + c.name(), c.admitted()),
                        r.rate("shed." + c.name(), c.shed()),
                        c.queueDepth(), c.inFlight(), intervalWaitP99Ms(c.name())));
            }
        }

        DashboardSample.CoalescerPoint coalescer = null;
        Map<String, String> breakers = new LinkedHashMap<>();
        ReadPathFeature readPath = feature(ReadPathFeature.class);
        if (readPath != null) {
            CoalescerStats s = readPath.coalescerStats();
            long dTotal = r.delta("coalescer.total", s.totalRequests());
            long dCoalesced = r.delta("coalescer.coalesced", s.coalescedRequests());
            Double hit = dTotal == 0 ? null : Math.round(dCoalesced * 10_000.0 / dTotal) / 100.0;
            coalescer = new DashboardSample.CoalescerPoint(hit, r.perSecond(dCoalesced),
                    r.rate("coalescer.calls", s.apiCallsMade()), r.perSecond(dTotal));
            readPath.breakerStats().forEach((route, b) -> breakers.put(route, b.state().name()));
        }

        DashboardSample.EventsPoint events = null;
        EventsFeature ev = feature(EventsFeature.class);
        EventPipeline<?> pipeline = ev == null ? null : ev.pipeline();
        if (pipeline != null) {
            EventStats s = pipeline.stats();
            events = new DashboardSample.EventsPoint(s.depth(), s.state().name(),
                    r.rate("events.accepted", s.accepted()), r.rate("events.rejected", s.rejected()));
        }

        DashboardSample.HotSpotPoint hotSpot = null;
        HotSpotFeature hs = feature(HotSpotFeature.class);
        if (hs != null) {
            long granted = 0, rejected = 0;
            int alerting = 0;
            boolean any = false;
            for (HotSpotLimiter l : limiters(hs)) {
                HotSpotSnapshot s = l.snapshot(0);
                granted += s.granted();
                rejected += s.rejected();
                alerting += s.alerting();
                any = true;
            }
            if (any) {
                hotSpot = new DashboardSample.HotSpotPoint(r.rate("hotspot.granted", granted),
                        r.rate("hotspot.rejected", rejected), alerting);
            }
        }

        DashboardSample sample = new DashboardSample(++seq, ticker.epochMillis(), classes, coalescer, breakers,
                events, hotSpot);
        if (history.size() == capacity) {
            history.removeFirst();
        }
        history.addLast(sample);
        lastCurrent = computeCurrent();
        return sample;
    }

    /** p99 of the admission wait of {@code cls} over the last interval, in ms; null if nobody was admitted. */
    private Double intervalWaitP99Ms(String cls) {
        Timer timer = registry.find("levee.admission.wait").tag("class", cls).timer();
        if (timer == null) {
            return null;
        }
        HistogramSnapshot now = timer.takeSnapshot(); // one snapshot: count and buckets agree
        HistogramSnapshot before = previousWaits.put(cls, now);
        CountAtBucket[] b = now.histogramCounts();
        if (before == null || before.histogramCounts().length != b.length || b.length == 0) {
            return null;
        }
        long total = now.count() - before.count();
        if (total <= 0) {
            return null;
        }
        // Prometheus histograms are cumulative: bucket i counts every wait <= its bound
        double target = Math.ceil(total * 0.99);
        CountAtBucket[] a = before.histogramCounts();
        for (int i = 0; i < b.length; i++) {
            if (b[i].count() - a[i].count() >= target) {
                return Math.round(b[i].bucket(TimeUnit.MILLISECONDS) * 100) / 100.0;
            }
        }
        return Math.round(now.max(TimeUnit.MILLISECONDS) * 100) / 100.0; // past the last bucket: the max seen
    }

    /** The samples newer than {@code afterSeq}, oldest first (all of the history for a negative value). */
    synchronized List<DashboardSample> since(long afterSeq) {
        List<DashboardSample> out = new ArrayList<>();
        for (DashboardSample s : history) {
            if (s.seq() > afterSeq) {
                out.add(s);
            }
        }
        return out;
    }

    synchronized long latestSeq() {
        return seq;
    }

    synchronized int size() {
        return history.size();
    }

    private List<HotSpotLimiter> limiters(HotSpotFeature hs) {
        List<HotSpotLimiter> out = new ArrayList<>();
        for (RouteConfig route : config.routes()) {
            if (route.hotSpot() != null) {
                HotSpotLimiter l = hs.limiter(route.path());
                if (l != null && !out.contains(l)) {
                    out.add(l);
                }
            }
        }
        return out;
    }

    /**
     * What the page shows as "now" (not part of the history): the block computed with the latest sample, so the
     * cost of reading the features (the top-10 scans every tracked key) does not grow with the number of viewers.
     */
    DashboardCurrent current() {
        DashboardCurrent c = lastCurrent;
        return c != null ? c : computeCurrent(); // before the first sample
    }

    private DashboardCurrent computeCurrent() {
        DashboardCurrent.Admission admissionBlock = null;
        AdmissionFeature admission = feature(AdmissionFeature.class);
        if (admission != null) {
            AdmissionStats s = admission.admission().stats();
            List<DashboardCurrent.AdmissionClass> classes = new ArrayList<>();
            for (ClassStats c : s.classes()) {
                classes.add(new DashboardCurrent.AdmissionClass(c.name(), c.queueCapacity(), c.admitted(), c.shed()));
            }
            admissionBlock = new DashboardCurrent.Admission(config.admission().enabled(), s.maxConcurrent(),
                    s.inFlight(), s.queued(), classes);
        }
        DashboardCurrent.Coalescer coalescer = null;
        List<DashboardCurrent.Breaker> breakers = null;
        ReadPathFeature readPath = feature(ReadPathFeature.class);
        if (readPath != null) {
            CoalescerStats c = readPath.coalescerStats();
            coalescer = new DashboardCurrent.Coalescer(c.totalRequests(), c.hitRatePercent(), c.apiCallsMade(),
                    c.apiCallsSaved(), c.pendingKeys(), c.status().label());
            breakers = new ArrayList<>();
            for (Map.Entry<String, BreakerStats> e : readPath.breakerStats().entrySet()) {
                BreakerStats b = e.getValue();
                breakers.add(new DashboardCurrent.Breaker(e.getKey(), b.state().name(),
                        Math.max(0, b.failureRatePercent()), Math.max(0, b.slowCallRatePercent()),
                        b.retryAfterMillis(), b.rejected(), b.opened()));
            }
        }
        DashboardCurrent.Events events = null;
        EventsFeature ev = feature(EventsFeature.class);
        if (ev != null && ev.pipeline() != null) {
            EventStats s = ev.pipeline().stats();
            events = new DashboardCurrent.Events(s.depth(), s.state().name(), s.stateSinceEpochMillis(),
                    s.thresholds().warning(), s.thresholds().critical(), s.thresholds().recovery(),
                    s.thresholds().capacity(), s.aboveWarning(), s.accepting(), s.deadLetters());
        }
        DashboardCurrent.HotSpots hotSpots = null;
        HotSpotFeature hs = feature(HotSpotFeature.class);
        if (hs != null) {
            List<DashboardCurrent.HotKey> top = new ArrayList<>();
            for (RouteConfig route : config.routes()) {
                HotSpotLimiter l = route.hotSpot() == null ? null : hs.limiter(route.path());
                if (l == null) {
                    continue;
                }
                for (KeyUsage u : l.snapshot(TOP).top()) {
                    top.add(new DashboardCurrent.HotKey(route.path(), u.key(),
                            Math.round(u.callsPerMinute() * 10) / 10.0, u.callsInWindow(), u.limit(),
                            l.settings().alertAt(), Math.round(u.usagePercent() * 10) / 10.0, u.queueDepth(),
                            u.rejected(), u.alerting()));
                }
            }
            top.sort(Comparator.comparingDouble((DashboardCurrent.HotKey k) -> -k.callsPerMinute()));
            hotSpots = new DashboardCurrent.HotSpots(config.hotSpots().alertThreshold(),
                    top.size() > TOP ? List.copyOf(top.subList(0, TOP)) : top);
        }
        return new DashboardCurrent(admissionBlock, coalescer, breakers, events, hotSpots);
    }

    /** Counter deltas against the previous sample. */
    private final class Rates {
        private final double seconds;

        Rates(double seconds) {
            this.seconds = seconds;
        }

        long delta(String name, long value) {
            Long before = previous.put(name, value);
            if (before == null || value < before) {
                return 0; // first sample, or the counter was reset: no honest rate for this interval
            }
            return value - before;
        }

        double perSecond(long delta) {
            return seconds <= 0 ? 0 : Math.round(delta / seconds * 100) / 100.0;
        }

        double rate(String name, long value) {
            return perSecond(delta(name, value));
        }
    }
}
