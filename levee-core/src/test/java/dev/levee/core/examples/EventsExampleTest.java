package dev.levee.core.examples;

import dev.levee.core.events.Admission;
import dev.levee.core.events.Event;
import dev.levee.core.events.EventPipeline;
import dev.levee.core.events.EventRejectedException;
import dev.levee.core.events.EventSink;
import dev.levee.core.events.Thresholds;
import dev.levee.core.time.ManualTicker;
import dev.levee.core.time.Scheduler;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;

/** README "Use it as a library": event pipeline. */
class EventsExampleTest {
    private final ManualTicker ticker = new ManualTicker();
    private final Scheduler scheduler = ticker;
    private final Executor executor = Runnable::run; // delivers on the submitting thread: the test sees it at once
    private final List<Event> store = new CopyOnWriteArrayList<>();

    @Test
    void anAcceptedEventIsDeliveredToTheSink() {
        // README:begin events
        EventPipeline events = EventPipeline.builder(EventSink.blocking(store::add, executor))
                .thresholds(Thresholds.of(1_000, 5_000, 500))   // queue depth: warning, critical, recovery
                .priorities(Map.of("bet-settled", 1, "telemetry", 10))
                .ticker(ticker).scheduler(scheduler)
                .build();

        Admission admission = events.submit("bet-settled", "{\"bet\":7}");
        if (!admission.accepted()) {   // the queue is too deep for this priority, or the pipeline is draining
            throw new EventRejectedException(admission);   // reason(), retryAfter(), suggestedStatus() 503
        }
        // README:end events
        assertThat(admission.id()).isNotNull();
        assertThat(store).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("bet-settled");
            assertThat(e.priority()).isEqualTo(1);
            assertThat(e.payload()).isEqualTo("{\"bet\":7}");
        });
        events.close();
        assertThat(events.submit("telemetry", "{}").accepted()).isFalse();
    }
}
