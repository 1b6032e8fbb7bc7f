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
package dev.levee.gateway.http;

import dev.levee.core.admission.AdmissionStats;
import dev.levee.gateway.admission.AdmissionFeature;
import dev.levee.gateway.testing.GatewayExtension;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.RoutingContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Admission counts HTTP/2 streams as it counts HTTP/1.1 requests: on one h2c connection, 2 streams hold the 2
 * permits, 2 more wait in the queue and the rest are shed with 429, exactly as separate connections would be.
 */
class Http2AdmissionTest {
    private static final Queue<RoutingContext> held = new ConcurrentLinkedQueue<>();

    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.get("/hold").handler(held::add))
            .config("""
                    upstream: { url: "${upstream}", timeout: 60s }
                    admission: { max-concurrent: 2, queue-capacity: 2, max-wait: 30s, retry-after: 7s }
                    """)
            .features(List.of(AdmissionFeature::new))
            .build();

    private AdmissionStats stats() {
        return gw.gateway().feature(AdmissionFeature.class).admission().stats();
    }

    @Test
    void streamsOfOneConnectionTakePermitsQueueAndAreShed() throws Exception {
        HttpClientAgent client = gw.vertx().createHttpClient(new HttpClientOptions()
                        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
                        .setDefaultHost("127.0.0.1").setDefaultPort(gw.port()).setHttp2MultiplexingLimit(100),
                new PoolOptions().setHttp2MaxSize(1));
        try {
            List<Future<Integer>> all = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                all.add(status(client));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> held.size() == 2);
            for (int i = 0; i < 2; i++) {
                all.add(status(client));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> stats().queued() == 2);
            List<Future<Integer>> shed = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                shed.add(status(client));
            }
            assertThat(Future.all(shed).await(20, TimeUnit.SECONDS).<Integer>list()).containsOnly(429);
            assertThat(stats().inFlight()).isEqualTo(2);
            assertThat(stats().queued()).isEqualTo(2);
            // the held streams end one by one; each frees a permit for a queued stream
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                RoutingContext ctx = held.poll();
                if (ctx != null) {
                    ctx.vertx().runOnContext(v -> ctx.end("done"));
                }
                return all.stream().allMatch(Future::isComplete);
            });
            Map<Integer, Long> statuses = Future.all(all).await(20, TimeUnit.SECONDS).<Integer>list().stream()
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(statuses).containsExactlyEntriesOf(Map.of(200, 4L));
        } finally {
            RoutingContext ctx;
            while ((ctx = held.poll()) != null) {
                RoutingContext c = ctx;
                c.vertx().runOnContext(v -> c.end("done"));
            }
            client.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static Future<Integer> status(HttpClientAgent client) {
        return client.request(HttpMethod.GET, "/hold").compose(req -> req.send()
                .compose(resp -> resp.body().map(b -> resp.statusCode())));
    }
}
