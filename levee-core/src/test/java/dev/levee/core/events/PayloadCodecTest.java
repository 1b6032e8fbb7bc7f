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

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Payloads of any type: the queue stores the codec's text, the sink receives the decoded payload. */
class PayloadCodecTest {
    private final ManualTicker time = new ManualTicker();

    @Test
    void bytesAreStoredAsBase64TextAndDeliveredAsBytes() {
        List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        List<byte[]> payloads = new CopyOnWriteArrayList<>();
        EventPipeline<byte[]> p = EventPipeline.builder(PayloadCodec.bytes(), (Delivery d, byte[] payload) -> {
            deliveries.add(d);
            payloads.add(payload);
            return CompletableFuture.completedFuture(null);
        }).ticker(time).scheduler(time).build();
        byte[] raw = {0, 1, (byte) 0xfe, (byte) 0xff};
        p.submit("t", raw).join();
        p.submit("none", null).join();
        assertThat(deliveries).extracting(d -> d.event().payload())
                .containsExactly(Base64.getEncoder().encodeToString(raw), null);
        assertThat(payloads).hasSize(2);
        assertThat(payloads.get(0)).isEqualTo(raw);
        assertThat(payloads.get(1)).isNull();
    }

    @Test
    void textIsStoredAsIs() {
        PayloadCodec<String> text = PayloadCodec.text();
        assertThat(text.encode("{\"v\":1}")).isEqualTo("{\"v\":1}");
        assertThat(text.decode("{\"v\":1}")).isEqualTo("{\"v\":1}");
    }

    @Test
    void aPayloadThatCannotBeDecodedIsDeadLetteredWithoutRetries() {
        record Bet(int id) {}
        PayloadCodec<Bet> codec = PayloadCodec.of(b -> Integer.toString(b.id()), s -> new Bet(Integer.parseInt(s)));
        List<Bet> delivered = new CopyOnWriteArrayList<>();
        EventQueue queue = EventQueue.inMemory(100, Duration.ofSeconds(10), 10, time, time);
        EventPipeline<Bet> p = EventPipeline.builder(codec, (Delivery d, Bet bet) -> {
            delivered.add(bet);
            return CompletableFuture.completedFuture(null);
        }).queue(queue).maxAttempts(5).ticker(time).scheduler(time).build();
        p.submit("bet", new Bet(7)).join();
        assertThat(delivered).containsExactly(new Bet(7));
        queue.enqueue(new Event("x-1", "bet", 5, "not a number", time.epochMillis())); // e.g. an older format
        p.submit("bet", new Bet(8)).join(); // the pump claims both
        assertThat(p.deadLetters(10)).singleElement().satisfies(dl -> {
            assertThat(dl.event().id()).isEqualTo("x-1");
            assertThat(dl.attempts()).isEqualTo(1);
            assertThat(dl.reason()).startsWith("payload cannot be decoded: ");
        });
        assertThat(delivered).containsExactly(new Bet(7), new Bet(8));
    }
}
