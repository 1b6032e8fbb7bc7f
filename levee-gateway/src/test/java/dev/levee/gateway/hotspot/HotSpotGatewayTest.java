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
package dev.levee.gateway.hotspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.levee.core.hotspot.HotSpotLimiter;
import dev.levee.core.time.ManualTicker;
import dev.levee.gateway.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Hot-spot protection through the real gateway, against an upstream that enforces its own quota. */
class HotSpotGatewayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROUTE = "/api/v3/fixtures/odds";
    private static final int LIMIT = 5;
    private static final Duration WINDOW = Duration.ofSeconds(10);

    private final ManualTicker time = new ManualTicker();
    private final QuotaUpstream upstream = new QuotaUpstream(time, LIMIT, WINDOW);

    @RegisterExtension
    final GatewayExtension gw = GatewayExtension.builder()
            .upstream(r -> r.get(ROUTE).handler(upstream::handle))
            .config("""
                    routes:
                      - path: /api/v3/fixtures/odds
                        public: false   # (RouteConfig needs it: a missing boolean fails binding)
                        hot-spot: { key: "query:fixture_id", limit: 5, window: 10s, queue: 100, max-wait: 10s }
                    hot-spots: { metrics-top-k: 3 }
                    """)
            .ticker(time)
            .scheduler(time)
            .features(List.of(HotSpotFeature::new))
            .build();

    private HotSpotFeature feature() {
        return gw.gateway().feature(HotSpotFeature.class);
    }

    private HotSpotLimiter limiter() {
        return feature().limiter(ROUTE);
    }

    /** One of the 100 clients: sends, and on 429 comes back after Retry-After (ticker time), on 200 at once. */
    private final class Client {
        final int id;
        int n;

        Client(int id) {
            this.id = id;
        }

        void send() {
            if (stop) {
                return;
            }
            outstanding.incrementAndGet();
            // a fresh query each time: with a cache in front these would all be misses
            HttpRequest req = HttpRequest.newBuilder(gw.uri(ROUTE + "?fixture_id=42&client=" + id + "&n=" + n++))
                    .timeout(Duration.ofSeconds(30)).build();
            gw.http().sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((resp, err) -> {
                try {
                    if (err != null) {
                        failures.add(String.valueOf(err));
                    } else if (resp.statusCode() == 200) {
                        ok.incrementAndGet();
                        send();
                    } else if (resp.statusCode() == 429) {
                        long retryAfter = Long.parseLong(resp.headers().firstValue("Retry-After").orElse("-1"));
                        JsonNode body = JSON.readTree(resp.body());
                        rejections.add(new Rejection(time.read(), retryAfter, body));
                        time.schedule(this::send, retryAfter, TimeUnit.SECONDS);
                    } else {
                        failures.add(resp.statusCode() + " " + resp.body());
                    }
                } catch (Exception e) {
                    failures.add(String.valueOf(e));
                } finally {
                    outstanding.decrementAndGet();
                }
            });
        }
    }

    private record Rejection(long at, long retryAfterHeader, JsonNode body) {}

    private volatile boolean stop;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger ok = new AtomicInteger();
    private final Queue<Rejection> rejections = new ConcurrentLinkedQueue<>();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();

    /** Every request is either answered or waiting in the key's queue for time to move. */
    private void awaitQuiet() {
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).atMost(Duration.ofSeconds(20))
                .until(() -> outstanding.get() == limiter().snapshot(0).queued());
        // and still so a moment later (nothing was between handlers)
        await().pollDelay(Duration.ofMillis(5)).atMost(Duration.ofSeconds(20))
                .until(() -> outstanding.get() == limiter().snapshot(0).queued());
    }

    @Test
    void hundredClientsOnOneFixtureNeverMakeTheUpstreamAnswer429AndGet429sWithTheRealRetryAfter() {
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            clients.add(new Client(i));
        }
        clients.forEach(Client::send);
        List<Rejection> checked = new ArrayList<>();
        int steps = 0;
        for (long t = 0; t <= 4 * WINDOW.toMillis(); t += 500) {      // four windows, 500 ms steps
            awaitQuiet();
            // every 429 of this step must carry the real time until the upstream's oldest call leaves the window
            for (Rejection r; (r = rejections.poll()) != null; ) {
                Long oldest = upstream.oldestInWindow("42", r.at());
                assertThat(oldest).as("a 429 while the upstream window had room").isNotNull();
                long untilFree = oldest + WINDOW.toNanos() - r.at();
                long expected = Math.max(1, (untilFree + 999_999_999L) / 1_000_000_000L);
                assertThat(r.retryAfterHeader()).isEqualTo(expected);
                assertThat(r.body().get("retry_after").asLong()).isEqualTo(r.retryAfterHeader());
                assertThat(r.body().get("error").asText()).isEqualTo("Too many requests for this resource");
                assertThat(r.body().get("key").asText()).isEqualTo("42");
                checked.add(r);
            }
            time.advance(Duration.ofMillis(500));
            steps++;
        }
        stop = true;
        time.advance(Duration.ofSeconds(30));
        awaitQuiet();

        assertThat(failures).isEmpty();
        assertThat(upstream.rejected()).as("upstream 429s").isZero();
        List<Long> received = upstream.received("42");
        for (int i = 0; i + LIMIT < received.size(); i++) {
            assertThat(received.get(i + LIMIT) - received.get(i)).isGreaterThanOrEqualTo(WINDOW.toNanos());
        }
        // the budget is used, not wasted: 5 calls in each of the 4+ windows
        assertThat(received.size()).isBetween(4 * LIMIT, 6 * LIMIT);
        assertThat(ok.get()).isEqualTo(received.size());
        assertThat(checked).hasSizeGreaterThan(100);
        assertThat(steps).isEqualTo(81);
        assertThat(limiter().snapshot(1).top().get(0).key()).isEqualTo("42");
    }

    @Test
    void healthShowsTheTopKeysTotalsQueueDepthOverflowAndAlerts() throws Exception {
        for (int i = 0; i < LIMIT; i++) {
            assertThat(gw.get(ROUTE + "?fixture_id=7").statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < 2; i++) {
            assertThat(gw.get(ROUTE + "?fixture_id=8").statusCode()).isEqualTo(200);
        }
        // the 6th call on 7 waits for the first slot (10 s = max wait); the 7th would wait 12 s: 429 at once
        var queued = gw.http().sendAsync(HttpRequest.newBuilder(gw.uri(ROUTE + "?fixture_id=7")).build(),
                HttpResponse.BodyHandlers.ofString());
        await().until(() -> limiter().snapshot(0).queued() == 1);
        HttpResponse<String> rejected = gw.get(ROUTE + "?fixture_id=7");
        assertThat(rejected.statusCode()).isEqualTo(429);
        assertThat(rejected.headers().firstValue("Retry-After")).contains("10");
        assertThat(JSON.readTree(rejected.body()).toString())
                .isEqualTo("{\"error\":\"Too many requests for this resource\",\"retry_after\":10,\"key\":\"7\"}");

        HttpResponse<String> health = gw.admin("/health/hot-spots");
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode h = JSON.readTree(health.body());
        assertThat(h.get("status").asText()).isEqualTo("UP");
        JsonNode top = h.get("top");
        assertThat(top).hasSize(2);
        JsonNode k7 = top.get(0);
        assertThat(k7.get("key").asText()).isEqualTo("7");
        assertThat(k7.get("route").asText()).isEqualTo(ROUTE);
        assertThat(k7.get("calls_in_window").asInt()).isEqualTo(5);
        assertThat(k7.get("limit").asInt()).isEqualTo(5);
        assertThat(k7.get("usage_percent").asDouble()).isEqualTo(100.0);
        assertThat(k7.get("queue_depth").asInt()).isEqualTo(1);
        assertThat(k7.get("overflow_count").asLong()).isEqualTo(1);
        assertThat(k7.get("alert").asBoolean()).isTrue();
        assertThat(k7.get("calls_per_minute").asDouble()).isEqualTo(5.0);
        JsonNode k8 = top.get(1);
        assertThat(k8.get("key").asText()).isEqualTo("8");
        assertThat(k8.get("usage_percent").asDouble()).isEqualTo(40.0);
        assertThat(k8.get("alert").asBoolean()).isFalse();
        JsonNode totals = h.get("totals");
        assertThat(totals.get("requests").asLong()).isEqualTo(9);
        assertThat(totals.get("granted").asLong()).isEqualTo(7);
        assertThat(totals.get("rejected").asLong()).isEqualTo(1);
        assertThat(totals.get("queued").asInt()).isEqualTo(1);
        assertThat(totals.get("alerts").asLong()).isEqualTo(1);
        assertThat(totals.get("alerting_keys").asInt()).isEqualTo(1);
        assertThat(totals.get("tracked_keys").asInt()).isEqualTo(2);
        assertThat(h.get("routes").get(ROUTE).get("limit").asInt()).isEqualTo(5);
        assertThat(h.get("warming").get("enabled").asBoolean()).isFalse();
        JsonNode all = JSON.readTree(gw.admin("/health").body());
        assertThat(all.get("components").get("hot_spots").get("totals").get("granted").asLong()).isEqualTo(7);

        time.advance(WINDOW);
        assertThat(queued.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(upstream.rejected()).isZero();
    }

    @Test
    void metricsLabelOnlyTheTopKKeysPlusOtherAndDropKeysThatLeave() throws Exception {
        for (int f = 1; f <= 6; f++) {
            for (int i = 0; i < f && i < LIMIT; i++) {
                assertThat(gw.get(ROUTE + "?fixture_id=" + f).statusCode()).isEqualTo(200);
            }
        }
        feature().metrics().refresh();
        assertThat(feature().metrics().keysWithSeries(ROUTE)).containsExactlyInAnyOrder("6", "5", "4", "other");
        String scrape = gw.admin("/metrics").body();
        assertThat(keyLabels(scrape, "levee_hotspot_key_calls_in_window")).containsExactlyInAnyOrder(
                "6", "5", "4", "other");
        assertThat(scrape).contains("levee_hotspot_key_calls_in_window{key=\"other\",route=\"" + ROUTE + "\"} 6.0");
        assertThat(scrape).contains("levee_hotspot_granted_total{route=\"" + ROUTE + "\"} 20.0");
        assertThat(scrape).contains("levee_hotspot_alerts_total{route=\"" + ROUTE + "\"} 3.0");

        time.advance(Duration.ofMinutes(3));          // the old keys go quiet; new ones get busy
        for (int f = 100; f < 110; f++) {
            assertThat(gw.get(ROUTE + "?fixture_id=" + f).statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(gw.get(ROUTE + "?fixture_id=100").statusCode()).isEqualTo(200);
        }
        feature().metrics().refresh();
        Set<String> labels = keyLabels(gw.admin("/metrics").body(), "levee_hotspot_key_calls_in_window");
        assertThat(labels).hasSize(4).contains("100", "other").doesNotContain("4", "5", "6");
    }

    private static Set<String> keyLabels(String scrape, String metric) {
        Set<String> keys = new HashSet<>();
        Matcher m = Pattern.compile("^" + metric + "\\{key=\"([^\"]*)\"", Pattern.MULTILINE).matcher(scrape);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }
}
