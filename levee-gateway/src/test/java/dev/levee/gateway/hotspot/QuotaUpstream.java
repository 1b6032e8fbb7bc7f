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

import dev.levee.core.time.Ticker;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A test upstream with its own exact quota per fixture, like the paid odds feed: at most {@code limit} requests per
 * fixture in any {@code window} (a request at {@code t} counts until {@code t + window}); over it, 429. It reads the
 * same ticker as the gateway, so both sides agree on time.
 */
final class QuotaUpstream {
    private final Ticker ticker;
    private final int limit;
    private final long windowNanos;
    private final Map<String, ArrayDeque<Long>> inWindow = new HashMap<>();
    private final Map<String, List<Long>> received = new HashMap<>();
    private final List<String> warmHeadersSeen = new ArrayList<>();
    private int rejected;

    QuotaUpstream(Ticker ticker, int limit, Duration window) {
        this.ticker = ticker;
        this.limit = limit;
        this.windowNanos = window.toNanos();
    }

    void handle(RoutingContext ctx) {
        String fixture = ctx.request().getParam("fixture_id");
        boolean ok;
        synchronized (this) {
            if (ctx.request().getHeader(Warming.HEADER) != null) {
                warmHeadersSeen.add(ctx.request().uri());
            }
            long now = ticker.read();
            ArrayDeque<Long> log = inWindow.computeIfAbsent(fixture, k -> new ArrayDeque<>());
            while (!log.isEmpty() && log.peekFirst() + windowNanos <= now) {
                log.pollFirst();
            }
            ok = log.size() < limit;
            if (ok) {
                log.addLast(now);
                received.computeIfAbsent(fixture, k -> new ArrayList<>()).add(now);
            } else {
                rejected++;
            }
        }
        if (ok) {
            ctx.response().putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("fixture_id", fixture).put("odds", 1.95).encode());
        } else {
            ctx.response().setStatusCode(429).putHeader("Retry-After", "1").end("{\"error\":\"quota\"}");
        }
    }

    synchronized int rejected() {
        return rejected;
    }

    synchronized List<Long> received(String fixture) {
        return new ArrayList<>(received.getOrDefault(fixture, List.of()));
    }

    synchronized int total() {
        return received.values().stream().mapToInt(List::size).sum();
    }

    /** The oldest request of {@code fixture} still in its window at {@code now}, or null. */
    synchronized Long oldestInWindow(String fixture, long now) {
        for (long t : received.getOrDefault(fixture, List.of())) {
            if (t + windowNanos > now) {
                return t;
            }
        }
        return null;
    }

    synchronized List<String> warmHeadersSeen() {
        return new ArrayList<>(warmHeadersSeen);
    }
}
