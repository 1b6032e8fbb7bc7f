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
import dev.levee.core.time.Ticker;
import dev.levee.servlet.AdmissionFilter;
import jakarta.servlet.Filter;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Levee's beans from {@code levee.*}: the {@link PriorityAdmission} and, in a servlet web application, its
 * {@link AdmissionFilter} on every request; the coalescer and cache behind {@link Coalesced} and {@link Cached};
 * one hot-spot limiter per route with a {@code hot-spot} block, behind {@link HotSpot}. Each bean backs off when the
 * application defines its own of that type; {@code levee.admission.enabled: false} turns admission off.
 */
@AutoConfiguration
@EnableConfigurationProperties(LeveeProperties.class)
public class LeveeAutoConfiguration {

    /** Levee reads time only through this (tests give a {@code ManualTicker}). */
    @Bean
    @ConditionalOnMissingBean
    public Ticker leveeTicker() {
        return Ticker.system();
    }

    /** Fires waiters' deadlines and hot-spot wake-ups: short tasks on one daemon thread. */
    @Bean
    @ConditionalOnMissingBean
    public Scheduler leveeScheduler() {
        return Scheduler.system("levee-scheduler");
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "levee.admission", name = "enabled", matchIfMissing = true)
    public PriorityAdmission leveeAdmission(LeveeProperties properties, Ticker ticker, Scheduler scheduler) {
        LeveeProperties.Admission a = properties.getAdmission();
        PriorityAdmission.Builder b = PriorityAdmission.builder()
                .maxConcurrent(a.getMaxConcurrent())
                .queueCapacity(a.getQueueCapacity())
                .maxWait(a.getMaxWait())
                .fixedRetryAfter(a.getRetryAfter())
                .retryAfterMax(a.getRetryAfterMax())
                .ticker(ticker)
                .scheduler(scheduler);
        for (LeveeProperties.AdmissionClass c : a.getClasses()) {
            String name = java.util.Objects.requireNonNull(c.getName(), "name");
            Integer capacity = c.getQueueCapacity();
            if (capacity == null) {
                b.addClass(name);
            } else {
                b.addClass(name, capacity);
            }
        }
        return b.build();
    }

    @Bean
    @ConditionalOnMissingBean
    public RequestCoalescer<Object, Object> leveeCoalescer(LeveeProperties properties, Ticker ticker,
                                                           Scheduler scheduler) {
        LeveeProperties.Coalesce c = properties.getCoalesce();
        return RequestCoalescer.<Object, Object>builder()
                .maxWait(c.getMaxWait())
                .maxWaitersPerKey(c.getMaxWaitersPerKey())
                .maxWaiters(c.getMaxWaiters())
                .ticker(ticker)
                .scheduler(scheduler)
                .build();
    }

    @Bean
    @ConditionalOnMissingBean
    public SwrCache<Object, Object> leveeCache(LeveeProperties properties, Ticker ticker,
                                               RequestCoalescer<Object, Object> leveeCoalescer) {
        return SwrCache.<Object, Object>builder()
                .ticker(ticker)
                .coalescer(leveeCoalescer)
                .maxEntries(properties.getCache().getMaxEntries())
                .storable(java.util.Objects::nonNull)
                .build();
    }

    @Bean
    @ConditionalOnMissingBean
    public LeveeHotSpots leveeHotSpots(LeveeProperties properties, Ticker ticker, Scheduler scheduler) {
        return new LeveeHotSpots(properties, ticker, scheduler);
    }

    /** Where {@link Cached} methods run on a miss or a refresh: a virtual thread each. */
    @Bean(destroyMethod = "close")
    public ExecutorService leveeLoaders() {
        return Executors.newVirtualThreadPerTaskExecutor();
    }

    @Bean
    @ConditionalOnClass(name = "org.aspectj.weaver.Advice")
    public LeveeAspect leveeAspect(RequestCoalescer<Object, Object> leveeCoalescer,
                                   SwrCache<Object, Object> leveeCache, LeveeHotSpots leveeHotSpots,
                                   ExecutorService leveeLoaders) {
        return new LeveeAspect(leveeCoalescer, leveeCache, leveeHotSpots, leveeLoaders);
    }

    /** The admission filter on every request of a servlet web application, early in the chain. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(Filter.class)
    // not @ConditionalOnBean: member classes are read before the outer class's beans exist
    @ConditionalOnProperty(prefix = "levee.admission", name = "enabled", matchIfMissing = true)
    static class ServletAdmission {
        /** The order of the filter: after Spring's request-context filters, before everything else. */
        static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

        @Bean
        @ConditionalOnMissingBean(name = "leveeAdmissionFilter")
        FilterRegistrationBean<AdmissionFilter> leveeAdmissionFilter(PriorityAdmission admission,
                                                                      LeveeProperties properties,
                                                                      ObjectProvider<AdmissionClassifier> classifier) {
            AdmissionClassifier c = classifier.getIfAvailable(() -> new HeaderClassifier(properties.getAdmission()));
            String fallback = properties.getAdmission().fallbackClass();
            AdmissionFilter filter = AdmissionFilter.builder(admission)
                    .classifier(request -> {
                        String name = c.classify(request);
                        return name != null ? name : fallback; // the class without when, wherever it stands
                    })
                    .excludePaths(properties.getAdmission().getExcludedPaths().toArray(String[]::new))
                    .build();
            FilterRegistrationBean<AdmissionFilter> registration = new FilterRegistrationBean<>(filter);
            registration.setName("leveeAdmissionFilter");
            registration.setOrder(ORDER);
            registration.setAsyncSupported(true);
            return registration;
        }
    }
}
