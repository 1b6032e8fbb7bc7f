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

import java.util.Base64;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Turns an {@link EventPipeline}'s payload type into the text every {@link EventQueue} stores (the in-memory
 * queue, the journal, the Redis stream) and back, so queues stay payload-agnostic and their storage format is the
 * same whatever the payload. A null payload is stored as none and never passed to the codec.
 *
 * <p>{@link #decode} runs before each delivery; a payload it cannot decode is dead-lettered at once (retrying
 * would not help).
 *
 * @param <T> the payload type the pipeline accepts and its sink receives
 */
public interface PayloadCodec<T> {

    /** The text stored for {@code payload} (never null). */
    String encode(T payload);

    /** The payload {@link #encode} stored as {@code text}. */
    T decode(String text);

    /** Text as is: the gateway's choice (it stores the JSON it received). */
    static PayloadCodec<String> text() {
        return of(Function.identity(), Function.identity());
    }

    /** Bytes, stored as Base64 text (RFC 4648, with padding). */
    static PayloadCodec<byte[]> bytes() {
        return of(b -> Base64.getEncoder().encodeToString(b), s -> Base64.getDecoder().decode(s));
    }

    /** A codec from two functions (e.g. a JSON mapper's write and read). */
    static <T> PayloadCodec<T> of(Function<? super T, String> encode, Function<String, ? extends T> decode) {
        requireNonNull(encode, "encode");
        requireNonNull(decode, "decode");
        return new PayloadCodec<>() {
            @Override
            public String encode(T payload) {
                return requireNonNull(encode.apply(payload), "encoded payload");
            }

            @Override
            public T decode(String text) {
                return decode.apply(text);
            }
        };
    }
}
