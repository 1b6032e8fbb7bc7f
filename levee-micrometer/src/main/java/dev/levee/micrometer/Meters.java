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

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.function.ToDoubleFunction;

/**
 * Registers meters that read a {@link StatsSnapshot}. The functions capture the snapshot, so a meter holds it
 * strongly: Micrometer keeps a meter's state object only weakly, and the application need not keep the binder.
 */
final class Meters {
    private Meters() {}

    static <S> void gauge(MeterRegistry registry, String name, String description, Tags tags, StatsSnapshot<S> snap,
                          ToDoubleFunction<S> f) {
        Gauge.builder(name, snap, x -> f.applyAsDouble(snap.get())).description(description).tags(tags)
                .strongReference(true).register(registry);
    }

    static <S> void counter(MeterRegistry registry, String name, String description, Tags tags,
                            StatsSnapshot<S> snap, ToDoubleFunction<S> f) {
        FunctionCounter.builder(name, snap, x -> f.applyAsDouble(snap.get())).description(description).tags(tags)
                .register(registry);
    }
}
