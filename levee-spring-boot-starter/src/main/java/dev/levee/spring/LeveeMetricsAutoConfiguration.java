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
package dev.levee.spring;

import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.cache.SwrCache;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.time.Scheduler;
import dev.levee.micrometer.AdmissionMetrics;
import dev.levee.micrometer.CacheMetrics;
import dev.levee.micrometer.CoalescerMetrics;
import dev.levee.micrometer.HotSpotMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * levee-micrometer's binders as {@link MeterBinder} beans, which Boot binds to every registry: the gateway's
 * {@code levee_admission_*}, {@code levee_coalescer_*} and {@code levee_cache_*} (tag {@code route="spring"}: the
 * annotations share one coalescer and one cache) and {@code levee_hotspot_*} per route, so the shipped dashboard
 * and alert rules read an application as they read the gateway.
 */
@AutoConfiguration(after = LeveeAutoConfiguration.class)
@ConditionalOnClass({MeterBinder.class, AdmissionMetrics.class})
public class LeveeMetricsAutoConfiguration {
    /** The {@code route} tag of the annotations' coalescer and cache. */
    public static final String ROUTE = "spring";
    /** Top keys with their own series per hot-spot route, as the gateway's {@code hot-spots.metrics-top-k}. */
    static final int TOP_KEYS = 10;
    /** How often the hot-spot binders re-pick their top keys. */
    static final Duration REFRESH = Duration.ofSeconds(10);

    @Bean
    @ConditionalOnBean(PriorityAdmission.class)
    @ConditionalOnMissingBean
    public AdmissionMetrics leveeAdmissionMetrics(PriorityAdmission admission, LeveeProperties properties) {
        return new AdmissionMetrics(admission, properties.getAdmission().getMaxWait());
    }

    @Bean
    @ConditionalOnMissingBean
    public CoalescerMetrics leveeCoalescerMetrics(RequestCoalescer<Object, Object> leveeCoalescer) {
        return new CoalescerMetrics(leveeCoalescer, ROUTE);
    }

    @Bean
    @ConditionalOnMissingBean
    public CacheMetrics leveeCacheMetrics(SwrCache<Object, Object> leveeCache) {
        return new CacheMetrics(leveeCache, ROUTE);
    }

    /** One binder per hot-spot route; each re-picks its top keys every {@link #REFRESH}. */
    @Bean
    public MeterBinder leveeHotSpotMetrics(LeveeHotSpots hotSpots, Scheduler scheduler) {
        List<HotSpotMetrics> binders = new ArrayList<>();
        hotSpots.limiters().forEach((path, limiter) -> binders.add(new HotSpotMetrics(limiter, path, TOP_KEYS)));
        return new MeterBinder() {
            private boolean scheduled;

            @Override
            public synchronized void bindTo(MeterRegistry registry) {
                binders.forEach(b -> b.bindTo(registry));
                if (!scheduled && !binders.isEmpty()) {
                    scheduled = true;
                    refreshLater(binders, scheduler);
                }
            }
        };
    }

    private static void refreshLater(List<HotSpotMetrics> binders, Scheduler scheduler) {
        scheduler.schedule(() -> {
            binders.forEach(HotSpotMetrics::refresh);
            refreshLater(binders, scheduler);
        }, REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }
}
