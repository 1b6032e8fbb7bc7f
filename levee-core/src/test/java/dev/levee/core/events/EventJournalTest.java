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

import dev.levee.core.time.ManualTicker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The journal on a temp dir: append, replay, acks, torn tails, compaction, the size bound, the directory lock. */
class EventJournalTest {
    @TempDir
    Path dir;

    private static Event event(int i) {
        return new Event("e-" + i, "telemetry-data", 1 + i % 10, i % 3 == 0 ? null : "{\"n\":" + i + "}",
                1_700_000_000_000L + i);
    }

    private EventJournal open(long maxBytes) throws IOException {
        return EventJournal.open(dir, maxBytes, EventJournal.Fsync.NEVER);
    }

    @Test
    void replayReturnsEveryUnacknowledgedEventWithItsFieldsInAppendOrder() throws IOException {
        try (EventJournal j = open(1 << 20)) {
            assertThat(j.recovered()).isEmpty();
            for (int i = 0; i < 10; i++) {
                assertThat(j.append(event(i))).isTrue();
            }
            j.ack("e-3");
            j.ack("e-7");
            j.ack("unknown"); // ignored
            assertThat(j.liveEvents()).isEqualTo(8);
        }
        try (EventJournal j = open(1 << 20)) {
            List<Event> expected = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                if (i != 3 && i != 7) {
                    expected.add(event(i));
                }
            }
            assertThat(j.recovered()).containsExactlyElementsOf(expected);
            assertThat(j.tornBytes()).isZero();
            j.ack("e-0"); // recovered events can be acknowledged in the new run
        }
        try (EventJournal j = open(1 << 20)) {
            assertThat(j.recovered()).extracting(Event::id).doesNotContain("e-0", "e-3", "e-7").hasSize(7);
        }
    }

    @Test
    void aTornTailIsDetectedSkippedAndTruncatedAndEarlierRecordsSurvive() throws IOException {
        Path last;
        try (EventJournal j = open(1 << 20)) {
            for (int i = 0; i < 5; i++) {
                j.append(event(i));
            }
            last = j.segmentFiles().get(j.segmentFiles().size() - 1);
        }
        long whole = Files.size(last);
        // the process died in the middle of writing a sixth record: a header and half a body
        ByteBuffer sixth = EventJournal.encodeEvent(event(5));
        try (FileChannel c = FileChannel.open(last, StandardOpenOption.APPEND)) {
            c.write(ByteBuffer.wrap(sixth.array(), 0, sixth.remaining() / 2));
        }
        try (EventJournal j = open(1 << 20)) {
            assertThat(j.recovered()).extracting(Event::id).containsExactly("e-0", "e-1", "e-2", "e-3", "e-4");
            assertThat(j.tornBytes()).isEqualTo(sixth.remaining() / 2);
        }
        assertThat(Files.size(last)).isEqualTo(whole);
    }

    @Test
    void aRecordWithABadChecksumEndsItsSegmentButLaterSegmentsAreRead() throws IOException {
        Path first;
        try (EventJournal j = open(1 << 20)) {
            j.append(event(0));
            j.append(event(1));
            first = j.segmentFiles().get(0);
        }
        try (EventJournal j = open(1 << 20)) { // a second segment
            j.append(event(2));
        }
        // flip one byte of the second record's body in the first segment
        int firstLength = EventJournal.encodeEvent(event(0)).remaining();
        long at = EventJournal.MAGIC.length + firstLength + 8 + 3;
        try (FileChannel c = FileChannel.open(first, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            c.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x5A)).position(0);
            c.write(b, at);
        }
        try (EventJournal j = open(1 << 20)) {
            assertThat(j.recovered()).extracting(Event::id).containsExactly("e-0", "e-2");
            assertThat(j.tornBytes()).isPositive();
        }
    }

    @Test
    void segmentsAreDeletedOnceTheyAndEveryOlderOneAreAcknowledged() throws IOException {
        try (EventJournal j = open(32 * 1024)) { // 4 KB segments
            for (int i = 0; i < 300; i++) {
                assertThat(j.append(event(i))).isTrue();
            }
            int segments = j.segmentCount();
            assertThat(segments).isGreaterThan(3);
            long full = j.sizeBytes();
            j.ack("e-150"); // a segment in the middle: nothing can go while older ones hold live events
            assertThat(j.segmentCount()).isEqualTo(segments);
            for (int i = 0; i < 300; i++) {
                j.ack("e-" + i);
            }
            assertThat(j.liveEvents()).isZero();
            assertThat(j.segmentCount()).isLessThanOrEqualTo(2); // the active one (and the acks' spill-over)
            assertThat(j.sizeBytes()).isLessThan(full / 2);
            assertThat(Files.list(dir).filter(p -> p.toString().endsWith(".log")).count())
                    .isEqualTo(j.segmentCount());
        }
        try (EventJournal j = open(32 * 1024)) {
            assertThat(j.recovered()).isEmpty();
        }
    }

    @Test
    void aFullJournalRefusesAppendsUntilDeliveriesFreeASegment() throws IOException {
        try (EventJournal j = open(16 * 1024)) { // 4 KB segments
            int accepted = 0;
            while (j.append(event(accepted))) {
                accepted++;
            }
            assertThat(accepted).isGreaterThan(100);
            assertThat(j.sizeBytes()).isLessThanOrEqualTo(16 * 1024);
            assertThat(j.append(event(100_000))).isFalse();
            for (int i = 0; i < accepted / 2; i++) { // the oldest segments become fully acknowledged
                j.ack("e-" + i);
            }
            assertThat(j.append(event(100_000))).isTrue();
        }
        try (EventJournal j = open(16 * 1024)) { // what was refused is not in the journal
            assertThat(j.recovered()).extracting(Event::id).contains("e-100000").doesNotContain("e-0");
        }
    }

    @Test
    @SuppressWarnings("try") // the open journal holds the directory lock for the block, never read
    void aSecondProcessCannotOpenTheSameDirectory() throws IOException {
        try (EventJournal j = open(1 << 20)) {
            assertThatThrownBy(() -> open(1 << 20)).isInstanceOf(IOException.class).hasMessageContaining("in use");
        }
        open(1 << 20).close(); // released at close
    }

    @Test
    void aJournaledPipelineDeliversAfterARestartWhatItAcceptedAndDidNotDeliver() throws IOException {
        ManualTicker time = new ManualTicker();
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        Set<String> deliveredLater = ConcurrentHashMap.newKeySet();
        try (EventJournal j = open(1 << 20)) {
            EventPipeline<String> down = pipeline(time, j, (d, payload) -> CompletableFuture.failedFuture(new RuntimeException("down")));
            for (int i = 0; i < 20; i++) {
                accepted.add(Outcome.of(down.submit("telemetry-data", "{}")).id());
            }
            accepted.add(Outcome.of(down.submit("telemetry-data", null)).id());
            time.advance(Duration.ofMinutes(10)); // every attempt fails: all dead-lettered, i.e. acknowledged
            assertThat(down.stats().deadLetters()).isEqualTo(21);
            assertThat(j.liveEvents()).isZero();
            for (int i = 0; i < 20; i++) { // accepted while the sink is still down; the process then stops
                accepted.add(Outcome.of(down.submit("telemetry-data", "{}")).id());
            }
            assertThat(j.liveEvents()).isEqualTo(20);
        }
        accepted.clear(); // only the last 20 are undelivered; the first batch is in the (in-memory) dead letters
        try (EventJournal j = open(1 << 20)) {
            j.recovered().forEach(e -> accepted.add(e.id()));
            assertThat(accepted).hasSize(20);
            EventPipeline<String> up = pipeline(time, j, (d, payload) -> {
                deliveredLater.add(d.event().id());
                return CompletableFuture.completedFuture(null);
            });
            assertThat(deliveredLater).isEqualTo(accepted);
            assertThat(up.stats().depth()).isZero();
            assertThat(j.liveEvents()).isZero();
        }
    }

    private static EventPipeline<String> pipeline(ManualTicker time, EventJournal journal, EventSink<Object> sink) {
        Thresholds t = new Thresholds(80, 100, 40, 200, Duration.ofSeconds(30));
        return EventPipeline.builder(sink).thresholds(t).workers(2).maxAttempts(2)
                .backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).jitter(() -> 0.0)
                .queue(EventQueue.journaled(EventQueue.inMemory(200, Duration.ofSeconds(10), 100, time, time), journal))
                .ticker(time).scheduler(time).build();
    }
}
