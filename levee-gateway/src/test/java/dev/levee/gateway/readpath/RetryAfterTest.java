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
package dev.levee.gateway.readpath;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** An upstream's Retry-After, as seconds or as an HTTP date measured from the injected ticker's time. */
class RetryAfterTest {
    private static final long NOW = Instant.parse("2026-12-03T10:00:00Z").toEpochMilli();

    @Test
    void secondsAndDatesAreReadAgainstTheGivenNow() {
        assertThat(RoutePipeline.retryAfter("120", NOW)).isEqualTo(Duration.ofSeconds(120));
        assertThat(RoutePipeline.retryAfter(" 7 ", NOW)).isEqualTo(Duration.ofSeconds(7));
        assertThat(RoutePipeline.retryAfter("Thu, 03 Dec 2026 10:00:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(30));
        assertThat(RoutePipeline.retryAfter("Thu, 03 Dec 2026 09:59:00 GMT", NOW)).isEqualTo(Duration.ZERO);
    }

    @Test
    void absentOrUnreadableIsNull() {
        assertThat(RoutePipeline.retryAfter(null, NOW)).isNull();
        assertThat(RoutePipeline.retryAfter("", NOW)).isNull();
        assertThat(RoutePipeline.retryAfter("soon", NOW)).isNull();
        assertThat(RoutePipeline.retryAfter("-5", NOW)).isEqualTo(Duration.ZERO);
    }
}
