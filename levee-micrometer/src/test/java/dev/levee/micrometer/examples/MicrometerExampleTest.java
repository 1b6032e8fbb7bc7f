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
package dev.levee.micrometer.examples;

import dev.levee.core.admission.Permit;
import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.cache.SwrCache;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.time.ManualTicker;
import dev.levee.micrometer.AdmissionMetrics;
import dev.levee.micrometer.CacheMetrics;
import dev.levee.micrometer.CoalescerMetrics;
import dev.levee.micrometer.HotSpotMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class MicrometerExampleTest {
    private final ManualTicker ticker = new ManualTicker();

    @Test
    void theBindersExportTheGatewaysSeries() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MeterRegistry registry = prometheus;
        PriorityAdmission admission = PriorityAdmission.builder().addClass("partner").addClass("browser")
                .maxWait(Duration.ofSeconds(2)).ticker(ticker).scheduler(ticker).build();
        RequestCoalescer<String, String> coalescer = RequestCoalescer.<String, String>builder()
                .ticker(ticker).scheduler(ticker).build();
        SwrCache<String, String> cache = SwrCache.<String, String>builder().coalescer(coalescer).ticker(ticker)
                .build();
        HotSpotLimiter limiter = HotSpotLimiter.builder().limit(50).window(Duration.ofSeconds(60))
                .ticker(ticker).scheduler(ticker).build();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            // README:begin micrometer
            AdmissionMetrics admissionMetrics = new AdmissionMetrics(admission, Duration.ofSeconds(2));
            admissionMetrics.bindTo(registry);                      // levee_admission_*{class=...}
            new CoalescerMetrics(coalescer, "odds").bindTo(registry); // levee_coalescer_*{route="odds"}
            new CacheMetrics(cache, "odds").bindTo(registry);         // levee_cache_*{route="odds",result=...}
            HotSpotMetrics hotSpots = new HotSpotMetrics(limiter, "odds", 10); // per-key series: top 10 + "other"
            hotSpots.bindTo(registry);
            timer.scheduleWithFixedDelay(hotSpots::refresh, 10, 10, TimeUnit.SECONDS); // re-choose the top keys

            Permit permit = admission.acquire("partner").join();
            admissionMetrics.recordWait(permit);                    // feeds levee_admission_wait_seconds
            // README:end micrometer
            permit.release();
        } finally {
            timer.shutdownNow();
            limiter.close();
        }
        assertThat(prometheus.scrape())
                .contains("levee_admission_admitted_total{class=\"partner\"} 1.0")
                .contains("levee_admission_wait_seconds_count{class=\"partner\"} 1")
                .contains("levee_coalescer_requests_total{route=\"odds\"} 0.0")
                .contains("levee_cache_requests_total{result=\"miss\",route=\"odds\"} 0.0")
                .contains("levee_hotspot_requests_total{route=\"odds\"} 0.0");
    }
}
