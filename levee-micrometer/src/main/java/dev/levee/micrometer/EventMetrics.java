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

import dev.levee.core.events.EventPipeline;
import dev.levee.core.events.EventStats;
import dev.levee.core.events.RejectReason;
import dev.levee.core.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;

import static dev.levee.micrometer.Meters.counter;
import static dev.levee.micrometer.Meters.gauge;
import static java.util.Objects.requireNonNull;

/**
 * The meters of an {@link EventPipeline}: the queue gauges {@code levee.events.waiting}, {@code .active},
 * {@code .delayed}, {@code .depth}, {@code .capacity}, {@code .dead.letters}, {@code .workers},
 * {@code .workers.busy}, {@code .circuit.state} (0 CLOSED, 1 HALF_OPEN, 2 OPEN), {@code .drain.rate},
 * {@code .accept.rate} and {@code levee.events.threshold} by {@code level}; the counters
 * {@code levee.events.accepted}, {@code .rejected} by {@code reason}, {@code .completed}, {@code .failed},
 * {@code .dead.lettered}, {@code .dead.letters.evicted} and {@code .replayed}, from the lifetime totals (a stats
 * reset does not make them go down). One {@link EventPipeline#totals()} per scrape.
 */
public final class EventMetrics implements MeterBinder {
    private final StatsSnapshot<EventStats> snapshot;

    public EventMetrics(EventPipeline<?> pipeline) {
        this(pipeline, Ticker.system(), StatsSnapshot.DEFAULT_MAX_AGE);
    }

    /** As {@link #EventMetrics(EventPipeline)}, a snapshot reused for up to {@code snapshotMaxAge}. */
    public EventMetrics(EventPipeline<?> pipeline, Ticker ticker, Duration snapshotMaxAge) {
        requireNonNull(pipeline, "pipeline");
        this.snapshot = new StatsSnapshot<>(pipeline::totals, ticker, snapshotMaxAge);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        var s = snapshot;
        Tags none = Tags.empty();
        gauge(registry, "levee.events.waiting", "Events waiting for a worker", none, s, EventStats::waiting);
        gauge(registry, "levee.events.active", "Deliveries in flight", none, s, EventStats::active);
        gauge(registry, "levee.events.delayed", "Events waiting for a retry backoff", none, s, EventStats::delayed);
        gauge(registry, "levee.events.depth", "Queue depth: waiting + active + delayed", none, s, EventStats::depth);
        gauge(registry, "levee.events.capacity", "Hard capacity of the queue", none, s, EventStats::capacity);
        gauge(registry, "levee.events.dead.letters", "Dead letters held", none, s, EventStats::deadLetters);
        gauge(registry, "levee.events.workers", "Configured concurrent deliveries", none, s, EventStats::workers);
        gauge(registry, "levee.events.workers.busy", "Deliveries in flight", none, s, EventStats::busyWorkers);
        gauge(registry, "levee.events.circuit.state", "Queue circuit: 0 CLOSED, 1 HALF_OPEN, 2 OPEN", none, s,
                x -> x.state().code());
        gauge(registry, "levee.events.drain.rate", "Events leaving the queue per second (delivered or dead)", none,
                s, EventStats::drainPerSecond);
        gauge(registry, "levee.events.accept.rate", "Events accepted per second", none, s,
                EventStats::acceptedPerSecond);
        gauge(registry, "levee.events.threshold", "Configured depth thresholds", Tags.of("level", "warning"), s,
                x -> x.thresholds().warning());
        gauge(registry, "levee.events.threshold", "Configured depth thresholds", Tags.of("level", "critical"), s,
                x -> x.thresholds().critical());
        gauge(registry, "levee.events.threshold", "Configured depth thresholds", Tags.of("level", "recovery"), s,
                x -> x.thresholds().recovery());
        counter(registry, "levee.events.accepted", "Events accepted", none, s, EventStats::accepted);
        for (RejectReason r : RejectReason.values()) {
            counter(registry, "levee.events.rejected", "Events rejected, by reason", Tags.of("reason", r.code()), s,
                    x -> x.rejectedByReason().getOrDefault(r, 0L));
        }
        counter(registry, "levee.events.completed", "Events delivered", none, s, EventStats::completed);
        counter(registry, "levee.events.failed", "Failed delivery attempts", none, s, EventStats::failed);
        counter(registry, "levee.events.dead.lettered", "Events moved to the dead-letter queue", none, s,
                EventStats::deadLettered);
        counter(registry, "levee.events.dead.letters.evicted", "Dead letters evicted from a full dead-letter queue",
                none, s, EventStats::deadLettersEvicted);
        counter(registry, "levee.events.replayed", "Dead letters replayed", none, s, EventStats::replayed);
    }

    long snapshotsTaken() {
        return snapshot.taken();
    }
}
