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

import dev.levee.core.admission.AdmissionStats;
import dev.levee.core.admission.ClassStats;
import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.cache.CacheStats;
import dev.levee.core.cache.SwrCache;
import dev.levee.core.coalesce.CoalescerStats;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.hotspot.HotSpotSnapshot;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Actuator health for each capability, as the gateway's {@code /health/*} sections: {@code levee.admission},
 * {@code levee.readpath} (cache and coalescer), {@code levee.hotspot} (one entry per route), under
 * {@code /actuator/health/levee}. Every section is UP with its figures as details: a shedding admission or a busy
 * key is Levee doing its job, not the application being down.
 */
@AutoConfiguration(after = LeveeAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
public class LeveeHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "leveeHealthContributor")
    public CompositeHealthContributor leveeHealthContributor(ObjectProvider<PriorityAdmission> admission,
                                                             ObjectProvider<SwrCache<Object, Object>> cache,
                                                             ObjectProvider<RequestCoalescer<Object, Object>> coalescer,
                                                             ObjectProvider<LeveeHotSpots> hotSpots) {
        Map<String, HealthContributor> sections = new LinkedHashMap<>();
        PriorityAdmission a = admission.getIfAvailable();
        if (a != null) {
            sections.put("admission", (HealthIndicator) () -> admission(a.stats()));
        }
        SwrCache<Object, Object> c = cache.getIfAvailable();
        RequestCoalescer<Object, Object> co = coalescer.getIfAvailable();
        if (c != null && co != null) {
            sections.put("readpath", (HealthIndicator) () -> readPath(c.stats(), co.stats()));
        }
        LeveeHotSpots h = hotSpots.getIfAvailable();
        if (h != null) {
            sections.put("hotspot", (HealthIndicator) () -> hotSpots(h));
        }
        return CompositeHealthContributor.fromMap(sections);
    }

    static Health admission(AdmissionStats s) {
        Map<String, Object> classes = new LinkedHashMap<>();
        for (ClassStats c : s.classes()) {
            classes.put(c.name(), c);
        }
        return Health.up()
                .withDetail("maxConcurrent", s.maxConcurrent())
                .withDetail("inFlight", s.inFlight())
                .withDetail("queued", s.queued())
                .withDetail("queueCapacity", s.queueCapacity())
                .withDetail("classes", classes)
                .build();
    }

    static Health readPath(CacheStats cache, CoalescerStats coalescer) {
        return Health.up()
                .withDetail("cache", cache)
                .withDetail("coalescer", coalescer)
                .withDetail("coalescerStatus", coalescer.status().label())
                .build();
    }

    static Health hotSpots(LeveeHotSpots hotSpots) {
        Map<String, Object> routes = new LinkedHashMap<>();
        hotSpots.limiters().forEach((path, limiter) -> {
            HotSpotSnapshot s = limiter.snapshot(10);
            routes.put(path, s);
        });
        return Health.up().withDetail("routes", routes).build();
    }
}
