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

import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.time.ManualTicker;
import dev.levee.gateway.http.HttpError;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** The read path answers through the one error mapper: a closed limiter is 503, a failed upstream call 502. */
class ReadPathErrorsTest {

    @Test
    void aLimiterClosedAtShutdownIs503ShuttingDownNot502() {
        ManualTicker time = new ManualTicker();
        HotSpotLimiter limiter = HotSpotLimiter.builder().limit(1).window(Duration.ofSeconds(60))
                .ticker(time).scheduler(time).build();
        limiter.close();
        Throwable closed = limiter.acquire("event:1").handle((p, e) -> e).join();
        HttpError e = RoutePipeline.toHttpError(RoutePipeline.unwrap(new CompletionException(closed)));
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.body()).containsEntry("error", "Shutting down");
    }

    @Test
    void aFailedUpstreamCallIs502WithItsDetail() {
        HttpError e = RoutePipeline.toHttpError(new ConnectException("Connection refused"));
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.body()).containsEntry("error", "Upstream error").containsEntry("detail", "Connection refused");
    }
}
