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
package dev.levee.gateway.ops;

import dev.levee.core.time.Ticker;
import dev.levee.gateway.chain.RequestState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * {@code levee_http_requests_seconds}: count and latency histogram by route and status class. The route label is
 * a configured route prefix, an ops path, {@code proxy} or {@code other}, so its cardinality is bounded by config.
 */
public final class RequestMetrics {
    /** Status class labels by {@code status / 100 - 1}; a status outside 100..599 is labelled as it is. */
    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private final MeterRegistry registry;
    private final Ticker ticker;
    private final Function<String, String> routeOf;
    // per route label, its timers by status class: a request's record is two lookups, no label string built
    private final ConcurrentMap<String, AtomicReferenceArray<Timer>> timers = new ConcurrentHashMap<>();

    /**
     * @param routeOf maps a request path to its label when no stage set {@link RequestState#routeLabel()}
     */
    public RequestMetrics(MeterRegistry registry, Ticker ticker, Function<String, String> routeOf) {
        this.registry = registry;
        this.ticker = ticker;
        this.routeOf = routeOf;
    }

    /** The first handler of every request: starts the clock and records when the response ends. */
    public void handle(RoutingContext ctx) {
        long start = ticker.read();
        ctx.request().pause(); // nothing of the body is read until a handler asks for it (admission may queue us)
        ctx.addEndHandler(ar -> {
            String route = RequestState.of(ctx).routeLabel();
            if (route == null) {
                route = routeOf.apply(ctx.request().path());
            }
            int status = RequestState.endStatus(ctx, ar.succeeded());
            timer(route, status).record(ticker.read() - start, TimeUnit.NANOSECONDS);
        });
        ctx.next();
    }

    private Timer timer(String route, int status) {
        int index = status / 100 - 1;
        if (index < 0 || index >= STATUS_CLASSES.length) {
            return register(route, status / 100 + "xx");
        }
        AtomicReferenceArray<Timer> byClass = timers.get(route);
        if (byClass == null) {
            byClass = timers.computeIfAbsent(route, k -> new AtomicReferenceArray<>(STATUS_CLASSES.length));
        }
        Timer timer = byClass.get(index);
        if (timer == null) { // the registry answers a meter already registered under these tags: a race is harmless
            timer = register(route, STATUS_CLASSES[index]);
            byClass.set(index, timer);
        }
        return timer;
    }

    private Timer register(String route, String statusClass) {
        return Timer.builder("levee.http.requests")
                .description("Requests served by the gateway, by route and status class")
                .tag("route", route)
                .tag("status", statusClass)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    /** Known labels so far ("route status-class"); for tests. */
    Set<String> labels() {
        Set<String> labels = new java.util.TreeSet<>();
        timers.forEach((route, byClass) -> {
            for (int i = 0; i < byClass.length(); i++) {
                if (byClass.get(i) != null) {
                    labels.add(route + ' ' + STATUS_CLASSES[i]);
                }
            }
        });
        return labels;
    }
}
