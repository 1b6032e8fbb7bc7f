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

import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.time.ManualTicker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A scrape reads dozens of meters of a binder; the primitive's stats are taken once for all of them. */
class SnapshotPerScrapeTest {
    private final ManualTicker time = new ManualTicker();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** The admission, counting its {@code stats()} calls. */
    private static PriorityAdmission counting(PriorityAdmission real, AtomicInteger statsCalls) {
        return (PriorityAdmission) Proxy.newProxyInstance(PriorityAdmission.class.getClassLoader(),
                new Class<?>[]{PriorityAdmission.class}, (proxy, method, args) -> {
                    if (method.getName().equals("stats")) {
                        statsCalls.incrementAndGet();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void oneScrapeTakesOneAdmissionSnapshot() {
        AtomicInteger statsCalls = new AtomicInteger();
        PriorityAdmission admission = counting(PriorityAdmission.builder().addClass("agent").addClass("partner")
                .addClass("browser").ticker(time).scheduler(time).build(), statsCalls);
        new AdmissionMetrics(admission, Duration.ofSeconds(1), time, Duration.ofMillis(250)).bindTo(registry);
        statsCalls.set(0); // the bind asked once whether the limit is adaptive

        String first = registry.scrape();
        assertThat(first).contains("levee_admission_in_flight{class=\"browser\"} 0.0"); // 3 classes x 9 series
        assertThat(statsCalls).hasValue(1);

        registry.scrape(); // within the max age: the same snapshot
        assertThat(statsCalls).hasValue(1);

        time.advance(Duration.ofSeconds(15)); // the next scrape interval
        registry.scrape();
        registry.scrape();
        assertThat(statsCalls).hasValue(2);
    }

    @Test
    void oneScrapeTakesOneHotSpotSnapshotWhateverTheKeys() {
        HotSpotLimiter limiter = HotSpotLimiter.builder().limit(10).window(Duration.ofSeconds(60))
                .ticker(time).scheduler(time).build();
        HotSpotMetrics metrics = new HotSpotMetrics(limiter, "odds", 5, time, Duration.ofMillis(250));
        metrics.bindTo(registry);
        for (int key = 0; key < 8; key++) {
            limiter.acquire("f" + key).join().release();
        }
        metrics.refresh();
        long before = metrics.snapshotsTaken();
        time.advance(Duration.ofSeconds(15));
        assertThat(registry.scrape()).contains("levee_hotspot_key_calls_in_window{key=\"other\",route=\"odds\"} 3.0");
        assertThat(metrics.snapshotsTaken() - before).isEqualTo(1); // 11 aggregate + 6 keys x 3..5 series
        limiter.close();
    }

    @Test
    void zeroMaxAgeMeansOneSnapshotPerRead() {
        AtomicInteger statsCalls = new AtomicInteger();
        PriorityAdmission admission = counting(PriorityAdmission.builder().addClass("agent")
                .ticker(time).scheduler(time).build(), statsCalls);
        new AdmissionMetrics(admission, Duration.ofSeconds(1), time, Duration.ZERO).bindTo(registry);
        statsCalls.set(0);
        registry.scrape();
        assertThat(statsCalls.get()).isEqualTo(1); // the clock stood still: age 0 is not older than 0
        time.advance(Duration.ofNanos(1));
        registry.scrape();
        assertThat(statsCalls.get()).isEqualTo(2);
    }
}
