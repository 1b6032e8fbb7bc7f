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
package dev.levee.core.examples;

import dev.levee.core.events.AcceptedEvent;
import dev.levee.core.events.Event;
import dev.levee.core.events.EventPipeline;
import dev.levee.core.events.EventRejectedException;
import dev.levee.core.events.EventSink;
import dev.levee.core.events.PayloadCodec;
import dev.levee.core.events.Thresholds;
import dev.levee.core.time.ManualTicker;
import dev.levee.core.time.Scheduler;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** README "Use it as a library": event pipeline. */
class EventsExampleTest {
    private final ManualTicker ticker = new ManualTicker();
    private final Scheduler scheduler = ticker;
    private final Executor executor = Runnable::run; // delivers on the submitting thread: the test sees it at once
    private final List<byte[]> store = new CopyOnWriteArrayList<>();
    private final byte[] settlement = {0x07, 0x00, (byte) 0xff};

    @Test
    void anAcceptedEventIsDeliveredToTheSink() {
        // README:begin events
        EventPipeline<byte[]> events = EventPipeline.builder(PayloadCodec.bytes(),   // stored as Base64 text
                        EventSink.blocking((Event event, byte[] payload) -> store.add(payload), executor))
                .thresholds(Thresholds.of(1_000, 5_000, 500))   // queue depth: warning, critical, recovery
                .priorities(Map.of("bet-settled", 1, "telemetry", 10))
                .ticker(ticker).scheduler(scheduler)
                .build();

        CompletableFuture<AcceptedEvent> submitted = events.submit("bet-settled", settlement);
        // accepted: an id; refused (the queue is too deep for this priority, or the pipeline is draining): an
        // EventRejectedException with reason(), retryAfter() and suggestedStatus() 503
        // README:end events
        assertThat(submitted.join().id()).isNotNull();
        assertThat(submitted.join().priority()).isEqualTo(1);
        assertThat(store).singleElement().isEqualTo(settlement);
        events.close();
        assertThatThrownBy(() -> events.submit("telemetry", new byte[0]).join())
                .cause().isInstanceOf(EventRejectedException.class);
    }
}
