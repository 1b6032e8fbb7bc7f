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
package dev.levee.gateway.events;

import dev.levee.core.events.EventPipeline;
import dev.levee.core.events.EventStats;
import dev.levee.core.events.RejectReason;
import dev.levee.core.time.Ticker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.function.ToDoubleFunction;

/**
 * Binds an {@link EventPipeline} to Micrometer as {@code levee_events_*}. Counters read the monotonic
 * {@link EventPipeline#totals()} (a stats reset does not make a Prometheus counter go backwards). One scrape reads
 * many meters, so the snapshot is shared for 250 ms instead of being taken once per meter.
 */
final class EventsMetrics {
    private static final long REUSE_NANOS = 250_000_000L;

    private final EventPipeline<?> pipeline;
    private final Ticker ticker;
    private EventStats cached;
    private long cachedAt;

    private EventsMetrics(EventPipeline<?> pipeline, Ticker ticker) {
        this.pipeline = pipeline;
        this.ticker = ticker;
    }

    private synchronized EventStats stats() {
        long now = ticker.read();
        if (cached == null || now - cachedAt > REUSE_NANOS) {
            cached = pipeline.totals();
            cachedAt = now;
        }
        return cached;
    }

    /** Binds the meters; the caller keeps the returned object (Micrometer holds meter sources weakly). */
    static EventsMetrics bind(MeterRegistry registry, EventPipeline<?> pipeline, Ticker ticker) {
        EventsMetrics m = new EventsMetrics(pipeline, ticker);
        m.gauge(registry, "levee.events.waiting", "Events waiting for a worker", EventStats::waiting);
        m.gauge(registry, "levee.events.active", "Deliveries in flight", EventStats::active);
        m.gauge(registry, "levee.events.delayed", "Events waiting for a retry backoff", EventStats::delayed);
        m.gauge(registry, "levee.events.depth", "Queue depth: waiting + active + delayed", EventStats::depth);
        m.gauge(registry, "levee.events.capacity", "Hard capacity of the queue", EventStats::capacity);
        m.gauge(registry, "levee.events.dead.letters", "Dead letters held", EventStats::deadLetters);
        m.gauge(registry, "levee.events.workers", "Configured concurrent deliveries", EventStats::workers);
        m.gauge(registry, "levee.events.workers.busy", "Deliveries in flight", EventStats::busyWorkers);
        m.gauge(registry, "levee.events.circuit.state", "Queue circuit: 0 CLOSED, 1 HALF_OPEN, 2 OPEN",
                s -> s.state().code());
        m.gauge(registry, "levee.events.drain.rate", "Events leaving the queue per second (delivered or dead)",
                EventStats::drainPerSecond);
        m.gauge(registry, "levee.events.accept.rate", "Events accepted per second", EventStats::acceptedPerSecond);
        for (String level : new String[]{"warning", "critical", "recovery"}) {
            Gauge.builder("levee.events.threshold", m, x -> switch (level) {
                        case "warning" -> x.stats().thresholds().warning();
                        case "critical" -> x.stats().thresholds().critical();
                        default -> x.stats().thresholds().recovery();
                    })
                    .description("Configured depth thresholds").tag("level", level).strongReference(true)
                    .register(registry);
        }
        m.counter(registry, "levee.events.accepted", "Events accepted", EventStats::accepted);
        for (RejectReason r : RejectReason.values()) {
            FunctionCounter.builder("levee.events.rejected", m, x -> x.stats().rejectedByReason().get(r))
                    .description("Events rejected, by reason").tag("reason", r.code()).register(registry);
        }
        m.counter(registry, "levee.events.completed", "Events delivered", EventStats::completed);
        m.counter(registry, "levee.events.failed", "Failed delivery attempts", EventStats::failed);
        m.counter(registry, "levee.events.dead.lettered", "Events moved to the dead-letter queue",
                EventStats::deadLettered);
        m.counter(registry, "levee.events.dead.letters.evicted", "Dead letters evicted from a full dead-letter queue",
                EventStats::deadLettersEvicted);
        m.counter(registry, "levee.events.replayed", "Dead letters replayed", EventStats::replayed);
        return m;
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<EventStats> f) {
        Gauge.builder(name, this, x -> f.applyAsDouble(x.stats())).description(description).strongReference(true)
                .register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<EventStats> f) {
        FunctionCounter.builder(name, this, x -> f.applyAsDouble(x.stats())).description(description)
                .register(registry);
    }
}
