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
package dev.levee.core.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import dev.levee.core.internal.SuppressForbidden;

/**
 * {@link EventPipelineListener#logging()}. The dead-letter lines are throttled on the wall clock: a sink outage
 * dead-letters thousands of events at once, and this throttle is about log volume, not about the pipeline's time.
 */
final class LoggingEventPipelineListener implements EventPipelineListener {
    private static final Logger log = LoggerFactory.getLogger(EventPipeline.class);

    private final AtomicLong lastDeadLetterLog = new AtomicLong(Long.MIN_VALUE / 2);
    private final AtomicLong unloggedDeadLetters = new AtomicLong();

    @Override
    public void onCircuitTransition(CircuitTransition t, boolean requested) {
        if (requested) { // the operator knows: a forced CLOSED is news, a queue too deep to stay so a warning
            if (t.to() == CircuitState.CLOSED) {
                log.info("event queue circuit {} -> CLOSED at depth {}: {} (requested)", t.from(), t.depth(),
                        t.reason());
            } else {
                log.warn("event queue circuit {} -> {} at depth {} right after a requested reset: {}", t.from(),
                        t.to(), t.depth(), t.reason());
            }
            return;
        }
        switch (t.to()) {
            case OPEN -> log.error("event queue circuit {} -> OPEN at depth {}: {}; only priority 1 accepted",
                    t.from(), t.depth(), t.reason());
            case HALF_OPEN -> log.warn("event queue circuit {} -> HALF_OPEN at depth {}: {}", t.from(), t.depth(),
                    t.reason());
            case CLOSED -> log.info("event queue circuit {} -> CLOSED at depth {}: {}", t.from(), t.depth(),
                    t.reason());
        }
    }

    @Override
    public void onWarningThreshold(int depth, Thresholds thresholds, boolean reached) {
        if (reached) {
            log.warn("event queue depth {} reached the warning threshold {}", depth, thresholds.warning());
        } else {
            log.info("event queue depth {} back below the warning threshold {}", depth, thresholds.warning());
        }
    }

    /** At most one line per second. */
    @Override
    @SuppressForbidden("a log-volume throttle, not the pipeline's time (see the class comment)")
    public void onDeadLettered(Event event, int attempts, String reason) {
        long now = System.nanoTime();
        long last = lastDeadLetterLog.get();
        if (now - last >= 1_000_000_000L && lastDeadLetterLog.compareAndSet(last, now)) {
            long more = unloggedDeadLetters.getAndSet(0);
            log.warn("event {} ({}) dead-lettered after {} attempts: {}{}", event.id(), event.type(), attempts,
                    reason, more > 0 ? " (and " + more + " more since the last report)" : "");
        } else {
            unloggedDeadLetters.incrementAndGet();
        }
    }

    @Override
    public void onDrainGaveUp(int undelivered, Duration grace) {
        log.warn("event pipeline drain: {} events still undelivered after {} ms", undelivered, grace.toMillis());
    }
}
