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
package dev.levee.core;

import dev.levee.core.admission.PriorityAdmission;
import dev.levee.core.breaker.UpstreamBreaker;
import dev.levee.core.cache.SwrCache;
import dev.levee.core.coalesce.RequestCoalescer;
import dev.levee.core.events.EventPipeline;
import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.time.ManualTicker;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every builder fails the same way on a required argument never set: IllegalStateException naming it. */
class RequiredArgumentsTest {
    private static final String SCHEDULER =
            "scheduler: missing (expected: a Scheduler, e.g. Scheduler.system(\"levee\"))";
    private final ManualTicker time = new ManualTicker();

    @Test
    void admissionRequiresItsScheduler() {
        assertMissing(() -> PriorityAdmission.builder().addClass("only").ticker(time).build(), SCHEDULER);
    }

    @Test
    void coalescerRequiresItsScheduler() {
        assertMissing(() -> RequestCoalescer.builder().ticker(time).build(), SCHEDULER);
    }

    @Test
    void cacheRequiresItsCoalescer() {
        assertMissing(() -> SwrCache.builder().ticker(time).build(),
                "coalescer: missing (expected: a RequestCoalescer, e.g. RequestCoalescer.builder()...build())");
    }

    @Test
    void hotSpotLimiterRequiresLimitWindowAndScheduler() {
        Duration w = Duration.ofSeconds(60);
        assertMissing(() -> HotSpotLimiter.builder().window(w).scheduler(time).build(),
                "limit: missing (expected: the upstream's calls per key per window, e.g. limit(50))");
        assertMissing(() -> HotSpotLimiter.builder().limit(1).scheduler(time).build(),
                "window: missing (expected: the upstream's quota window, e.g. window(Duration.ofSeconds(60)))");
        assertMissing(() -> HotSpotLimiter.builder().limit(1).window(w).build(), SCHEDULER);
    }

    @Test
    void breakerRequiresItsScheduler() {
        assertMissing(() -> UpstreamBreaker.builder("x").ticker(time).build(), SCHEDULER);
    }

    @Test
    void eventPipelineRequiresItsSchedulerAndStartsNoThreadOfItsOwn() {
        assertMissing(() -> EventPipeline.builder((d, payload) -> CompletableFuture.completedFuture(null)).ticker(time).build(),
                SCHEDULER);
    }

    private static void assertMissing(ThrowingCallable build, String message) {
        assertThatThrownBy(build).isExactlyInstanceOf(IllegalStateException.class).hasMessage(message);
    }
}
