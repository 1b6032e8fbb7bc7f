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
import dev.levee.core.time.Ticker;
import dev.levee.micrometer.EventMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;

/** Binds the pipeline's meters with levee-micrometer's {@link EventMetrics}: one totals snapshot per scrape. */
final class EventsMetrics {
    private static final Duration SNAPSHOT_MAX_AGE = Duration.ofMillis(250);

    private final EventMetrics binder;

    private EventsMetrics(EventMetrics binder) {
        this.binder = binder;
    }

    static EventsMetrics bind(MeterRegistry registry, EventPipeline<?> pipeline, Ticker ticker) {
        EventsMetrics m = new EventsMetrics(new EventMetrics(pipeline, ticker, SNAPSHOT_MAX_AGE));
        m.binder.bindTo(registry);
        return m;
    }
}
