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
package dev.levee.micrometer;

import dev.levee.core.admission.AdaptiveLimitStats;
import dev.levee.core.admission.AdmissionStats;
import dev.levee.core.admission.Permit;
import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.admission.ShedReason;
import dev.levee.core.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

import static dev.levee.micrometer.Meters.counter;
import static dev.levee.micrometer.Meters.gauge;
import static java.util.Objects.requireNonNull;

/**
 * The meters of a {@link PriorityAdmission}, tagged {@code class} (the admission's classes, a bounded set):
 * {@code levee.admission.queue.depth} and {@code .in.flight} (gauges), {@code levee.admission.admitted},
 * {@code .cancelled} and {@code .shed} by {@code reason} (counters), the timer {@code levee.admission.wait} (fed by
 * {@link #recordWait(Permit)}), and untagged {@code levee.admission.max.concurrent}. With an adaptive limit also
 * {@code levee.admission.adaptive.baseline.rtt}, {@code .recent.rtt}, {@code .since.last.change} (seconds; -1:
 * never changed) and the counter {@code levee.admission.adaptive.windows}. One {@link PriorityAdmission#stats()}
 * per scrape.
 */
public final class AdmissionMetrics implements MeterBinder {
    private final PriorityAdmission admission;
    private final Duration maxWait;
    private final StatsSnapshot<AdmissionStats> snapshot;
    // per class, its wait timer in every registry the binder was bound to
    private final Map<String, List<Timer>> waitTimers = new ConcurrentHashMap<>();

    /**
     * @param maxWait the admission's longest wait: the top of the wait timer's histogram buckets
     */
    public AdmissionMetrics(PriorityAdmission admission, Duration maxWait) {
        this(admission, maxWait, Ticker.system(), StatsSnapshot.DEFAULT_MAX_AGE);
    }

    /** As {@link #AdmissionMetrics(PriorityAdmission, Duration)}, a snapshot reused for up to {@code snapshotMaxAge}. */
    public AdmissionMetrics(PriorityAdmission admission, Duration maxWait, Ticker ticker, Duration snapshotMaxAge) {
        this.admission = requireNonNull(admission, "admission");
        this.maxWait = requireNonNull(maxWait, "maxWait");
        if (maxWait.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("maxWait: " + maxWait + " (expected: >= 1ms)");
        }
        this.snapshot = new StatsSnapshot<>(admission::stats, ticker, snapshotMaxAge);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        var s = snapshot;
        for (String cls : admission.classes()) {
            Tags tags = Tags.of("class", cls);
            gauge(registry, "levee.admission.queue.depth", "Requests waiting for a permit", tags, s,
                    x -> x.forClass(cls).queueDepth());
            gauge(registry, "levee.admission.in.flight", "Requests holding a permit", tags, s,
                    x -> x.forClass(cls).inFlight());
            counter(registry, "levee.admission.admitted", "Requests admitted (given a permit)", tags, s,
                    x -> x.forClass(cls).admitted());
            counter(registry, "levee.admission.cancelled", "Requests that left the queue because the client went away",
                    tags, s, x -> x.forClass(cls).cancelled());
            for (ShedReason r : ShedReason.values()) {
                counter(registry, "levee.admission.shed", "Requests shed (429 / 503) by reason",
                        tags.and("reason", r.label()), s, x -> x.forClass(cls).shed(r));
            }
            waitTimers.computeIfAbsent(cls, k -> new CopyOnWriteArrayList<>()).add(Timer.builder("levee.admission.wait")
                    .description("Time admitted requests waited for a permit")
                    .tags(tags)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(maxWait)
                    .register(registry));
        }
        gauge(registry, "levee.admission.max.concurrent",
                "The global concurrency limit (with max-concurrent: auto, its value now)", Tags.empty(), s,
                AdmissionStats::maxConcurrent);
        // a static limit has no adaptive series at all (not NaN ones); asked outside the scrape snapshot, which a
        // bind must not take (with a clock that stands still it would be reused for ever)
        if (admission.stats().adaptive() != null) {
            adaptive(registry, "levee.admission.adaptive.baseline.rtt",
                    "Upstream latency the adaptive limit takes as unloaded", a -> a.baselineRttMs() / 1000.0);
            adaptive(registry, "levee.admission.adaptive.recent.rtt",
                    "Median upstream latency of the adaptive limit's last sample window", a -> a.recentRttMs() / 1000.0);
            adaptive(registry, "levee.admission.adaptive.since.last.change",
                    "Time since the adaptive limit last changed (-1: never)", a -> {
                        Duration since = a.sinceLastChange();
                        return since == null ? -1 : since.toNanos() / 1e9;
                    });
            counter(registry, "levee.admission.adaptive.windows", "Sample windows the adaptive limit evaluated",
                    Tags.empty(), s, x -> {
                        AdaptiveLimitStats a = x.adaptive();
                        return a == null ? 0 : a.windows();
                    });
        }
    }

    /**
     * Records how long {@code permit} waited in the wait timer of its class: call it once per granted permit (the
     * admission has no listener for grants, and a caller that measures the wait itself may skip this).
     */
    public void recordWait(Permit permit) {
        List<Timer> timers = waitTimers.get(permit.admissionClass());
        if (timers != null) {
            Duration waited = permit.waited();
            for (Timer timer : timers) {
                timer.record(waited);
            }
        }
    }

    private void adaptive(MeterRegistry registry, String name, String description,
                          ToDoubleFunction<AdaptiveLimitStats> f) {
        var s = snapshot;
        io.micrometer.core.instrument.Gauge.builder(name, s, x -> {
            @Nullable AdaptiveLimitStats a = s.get().adaptive();
            return a == null ? Double.NaN : f.applyAsDouble(a);
        }).description(description).baseUnit("seconds").strongReference(true).register(registry);
    }

    long snapshotsTaken() {
        return snapshot.taken();
    }
}
