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

import dev.levee.core.admission.AdaptiveLimit;
import dev.levee.core.admission.Permit;
import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.breaker.UpstreamBreaker;
import dev.levee.core.breaker.Verdict;
import dev.levee.core.cache.CachePolicy;
import dev.levee.core.cache.SwrCache;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.events.EventPipeline;
import dev.levee.core.events.EventSink;
import dev.levee.core.events.PayloadCodec;
import dev.levee.core.events.Thresholds;
import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.time.ManualTicker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Each binder on a real registry, its primitive driven on a manual clock; values and Prometheus names checked. */
class BindersTest {
    private static final Duration AGE = Duration.ofMillis(250);
    private final ManualTicker time = new ManualTicker();
    private final SimpleMeterRegistry simple = new SimpleMeterRegistry();
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private static double gauge(MeterRegistry r, String name, String... tags) {
        return r.get(name).tags(tags).gauge().value();
    }

    private static double counter(MeterRegistry r, String name, String... tags) {
        return r.get(name).tags(tags).functionCounter().count();
    }

    /** The next scrape takes a new snapshot. */
    private void nextScrape() {
        time.advance(Duration.ofSeconds(1));
    }

    @Test
    void admissionPerClassGaugesCountersAndWaitTimer() {
        PriorityAdmission admission = PriorityAdmission.builder().addClass("agent", 1).addClass("browser", 1)
                .maxConcurrent(1).maxWait(Duration.ofSeconds(5)).ticker(time).scheduler(time).build();
        AdmissionMetrics metrics = new AdmissionMetrics(admission, Duration.ofSeconds(5), time, AGE);
        metrics.bindTo(simple);
        metrics.bindTo(prometheus);

        Permit held = admission.acquire("agent").join();
        metrics.recordWait(held);
        CompletableFuture<Permit> queued = admission.acquire("browser");
        CompletableFuture<Permit> shed = admission.acquire("browser"); // the browser queue (1) is full
        assertThat(shed).isCompletedExceptionally();
        nextScrape();
        assertThat(gauge(simple, "levee.admission.in.flight", "class", "agent")).isEqualTo(1);
        assertThat(gauge(simple, "levee.admission.queue.depth", "class", "browser")).isEqualTo(1);
        assertThat(counter(simple, "levee.admission.admitted", "class", "agent")).isEqualTo(1);
        assertThat(counter(simple, "levee.admission.shed", "class", "browser", "reason", "queue_full")).isEqualTo(1);
        assertThat(gauge(simple, "levee.admission.max.concurrent")).isEqualTo(1);
        assertThat(simple.get("levee.admission.wait").tags("class", "agent").timer().count()).isEqualTo(1);
        assertThat(simple.find("levee.admission.adaptive.recent.rtt").gauge()).as("static limit").isNull();

        time.advance(Duration.ofSeconds(2));
        held.release();
        Permit second = queued.join();
        metrics.recordWait(second);
        assertThat(second.waited()).isEqualTo(Duration.ofSeconds(3)); // queued before the first scrape (+1 s)
        nextScrape();
        assertThat(gauge(simple, "levee.admission.queue.depth", "class", "browser")).isZero();
        assertThat(gauge(simple, "levee.admission.in.flight", "class", "browser")).isEqualTo(1);
        assertThat(simple.get("levee.admission.wait").tags("class", "browser").timer().max(
                java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(3);
        String scrape = prometheus.scrape();
        assertThat(scrape)
                .contains("levee_admission_in_flight{class=\"browser\"} 1.0")
                .contains("levee_admission_admitted_total{class=\"browser\"} 1.0")
                .contains("levee_admission_shed_total{class=\"browser\",reason=\"queue_full\"} 1.0")
                .contains("levee_admission_shed_total{class=\"agent\",reason=\"pushed_out\"} 0.0")
                .contains("levee_admission_wait_seconds_count{class=\"browser\"} 1")
                .contains("levee_admission_wait_seconds_bucket{class=\"browser\",le=")
                .contains("levee_admission_max_concurrent 1.0");
        second.release();
    }

    @Test
    void adaptiveLimitHasItsOwnSeries() {
        PriorityAdmission admission = PriorityAdmission.builder().addClass("agent")
                .adaptiveLimit(AdaptiveLimit.builder().min(2).max(50).initial(10).build())
                .ticker(time).scheduler(time).build();
        new AdmissionMetrics(admission, Duration.ofSeconds(1), time, AGE).bindTo(prometheus);
        assertThat(prometheus.scrape())
                .contains("levee_admission_max_concurrent 10.0")
                .contains("levee_admission_adaptive_since_last_change_seconds -1.0")
                .contains("levee_admission_adaptive_windows_total 0.0")
                .contains("levee_admission_adaptive_baseline_rtt_seconds")
                .contains("levee_admission_adaptive_recent_rtt_seconds");
    }

    @Test
    void coalescerAndCacheCountByRoute() {
        RequestCoalescer<String, String> coalescer = RequestCoalescer.<String, String>builder()
                .ticker(time).scheduler(time).build();
        SwrCache<String, String> cache = SwrCache.<String, String>builder().coalescer(coalescer).maxEntries(100)
                .ticker(time).build();
        new CoalescerMetrics(coalescer, "odds", time, AGE).bindTo(simple);
        new CacheMetrics(cache, "odds", time, AGE).bindTo(simple);
        new CoalescerMetrics(coalescer, "odds", time, AGE).bindTo(prometheus);
        new CacheMetrics(cache, "odds", time, AGE).bindTo(prometheus);
        CachePolicy policy = new CachePolicy(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(1));

        CompletableFuture<String> upstream = new CompletableFuture<>();
        var first = cache.get("k", policy, () -> upstream);
        var second = coalescer.getOrFetch("k", () -> CompletableFuture.completedFuture("other"));
        nextScrape();
        assertThat(gauge(simple, "levee.coalescer.pending.keys", "route", "odds")).isEqualTo(1);
        assertThat(gauge(simple, "levee.coalescer.waiters", "route", "odds")).isEqualTo(2);
        upstream.complete("v");
        assertThat(first.join().value()).isEqualTo("v");
        assertThat(second.join()).isEqualTo("v");
        cache.get("k", policy, () -> CompletableFuture.completedFuture("never")).join();     // fresh: a hit
        nextScrape();
        assertThat(counter(simple, "levee.coalescer.requests", "route", "odds")).isEqualTo(2);
        assertThat(counter(simple, "levee.coalescer.coalesced", "route", "odds")).isEqualTo(1);
        assertThat(counter(simple, "levee.coalescer.api.calls", "route", "odds")).isEqualTo(1);
        assertThat(gauge(simple, "levee.coalescer.pending.keys", "route", "odds")).isZero();
        assertThat(counter(simple, "levee.cache.requests", "route", "odds", "result", "miss")).isEqualTo(1);
        assertThat(counter(simple, "levee.cache.requests", "route", "odds", "result", "hit")).isEqualTo(1);
        assertThat(gauge(simple, "levee.cache.entries", "route", "odds")).isEqualTo(1);
        assertThat(prometheus.scrape())
                .contains("levee_coalescer_requests_total{route=\"odds\"} 2.0")
                .contains("levee_coalescer_api_calls_total{route=\"odds\"} 1.0")
                .contains("levee_cache_requests_total{result=\"stale_if_error\",route=\"odds\"} 0.0")
                .contains("levee_cache_requests_total{result=\"hit\",route=\"odds\"} 1.0")
                .contains("levee_cache_entries{route=\"odds\"} 1.0")
                .contains("levee_cache_bytes{route=\"odds\"}");
    }

    @Test
    void breakerStateAndOutcomes() {
        UpstreamBreaker breaker = UpstreamBreaker.builder("odds").minimumCalls(2).windowSize(2)
                .failureRateThreshold(50).openFor(Duration.ofSeconds(10)).ticker(time).scheduler(time).build();
        new BreakerMetrics(breaker, "odds", time, AGE).bindTo(prometheus);
        assertThat(prometheus.scrape()).contains("levee_breaker_state{route=\"odds\",state=\"closed\"} 1.0")
                .contains("levee_breaker_state{route=\"odds\",state=\"open\"} 0.0");
        for (int i = 0; i < 2; i++) {
            breaker.execute(() -> CompletableFuture.completedFuture(500), s -> Verdict.FAILURE);
        }
        breaker.execute(() -> CompletableFuture.completedFuture(200), s -> Verdict.SUCCESS); // refused: open
        nextScrape();
        assertThat(prometheus.scrape())
                .contains("levee_breaker_state{route=\"odds\",state=\"open\"} 1.0")
                .contains("levee_breaker_state{route=\"odds\",state=\"closed\"} 0.0")
                .contains("levee_breaker_calls_total{outcome=\"failure\",route=\"odds\"} 2.0")
                .contains("levee_breaker_calls_total{outcome=\"rejected\",route=\"odds\"} 1.0")
                .contains("levee_breaker_opened_total{route=\"odds\"} 1.0")
                .contains("levee_breaker_failure_rate{route=\"odds\"} 100.0");
    }

    @Test
    void hotSpotSeriesOnlyForTheTopKeysPlusOther() {
        HotSpotLimiter limiter = HotSpotLimiter.builder().limit(10).window(Duration.ofSeconds(60))
                .ticker(time).scheduler(time).build();
        HotSpotMetrics metrics = new HotSpotMetrics(limiter, "odds", 2, time, AGE);
        metrics.bindTo(prometheus);
        List<dev.levee.core.hotspot.Permit> permits = new ArrayList<>();
        for (int key = 1; key <= 5; key++) {
            for (int i = 0; i < key; i++) {
                permits.add(limiter.acquire("f" + key).join());
            }
        }
        metrics.refresh();
        assertThat(metrics.keysWithSeries()).containsExactlyInAnyOrder("f5", "f4", HotSpotMetrics.OTHER);
        String scrape = prometheus.scrape();
        assertThat(scrape)
                .contains("levee_hotspot_granted_total{route=\"odds\"} 15.0")
                .contains("levee_hotspot_in_flight{route=\"odds\"} 15.0")
                .contains("levee_hotspot_key_calls_in_window{key=\"f5\",route=\"odds\"} 5.0")
                .contains("levee_hotspot_key_usage_ratio{key=\"f5\",route=\"odds\"} 0.5")
                .contains("levee_hotspot_key_calls_in_window{key=\"other\",route=\"odds\"} 6.0")
                .contains("levee_hotspot_tracked_keys{route=\"odds\"} 5.0")
                .doesNotContain("key=\"f1\"")
                .doesNotContain("levee_hotspot_key_usage_ratio{key=\"other\"");
        permits.forEach(dev.levee.core.hotspot.Permit::release);

        time.advance(Duration.ofMinutes(3)); // the old keys leave their windows; a new one is hot
        for (int i = 0; i < 3; i++) {
            limiter.acquire("f9").join().release();
        }
        metrics.refresh();
        assertThat(metrics.keysWithSeries()).contains("f9", HotSpotMetrics.OTHER).doesNotContain("f4", "f5")
                .hasSizeLessThanOrEqualTo(3);
        assertThat(prometheus.scrape()).contains("levee_hotspot_key_calls_in_window{key=\"f9\",route=\"odds\"} 3.0")
                .doesNotContain("key=\"f5\"");
        limiter.close();
    }

    @Test
    void eventPipelineQueueAndCounters() {
        List<byte[]> delivered = new ArrayList<>();
        EventPipeline<byte[]> events = EventPipeline.builder(PayloadCodec.bytes(),
                        EventSink.blocking((event, payload) -> delivered.add(payload), Runnable::run))
                .thresholds(Thresholds.of(1_000, 5_000, 500)).ticker(time).scheduler(time).build();
        new EventMetrics(events, time, AGE).bindTo(prometheus);
        events.submit("bet", new byte[]{1}).join();
        events.submit("bet", new byte[]{2}).join();
        nextScrape();
        assertThat(delivered).hasSize(2);
        assertThat(prometheus.scrape())
                .contains("levee_events_accepted_total 2.0")
                .contains("levee_events_completed_total 2.0")
                .contains("levee_events_rejected_total{reason=\"circuit_open\"} 0.0")
                .contains("levee_events_threshold{level=\"critical\"} 5000.0")
                .contains("levee_events_circuit_state 0.0")
                .contains("levee_events_depth 0.0");
        events.close();
    }
}
