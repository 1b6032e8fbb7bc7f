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
import dev.levee.core.time.Scheduler;
import dev.levee.gateway.GatewayContext;
import dev.levee.gateway.config.HotSpotsConfig;
import dev.levee.gateway.config.RouteConfig;
import dev.levee.gateway.http.JsonResponses;
import dev.levee.gateway.upstream.UpstreamRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;

/**
 * Keeps the caches of major events warm: reads the fixture list from the upstream every {@code poll-interval},
 * picks the major events, and from {@code warm-before} before each one's start until {@code event-duration} after
 * it requests each configured path every refresh interval.
 *
 * <p>Implementation notes: warming requests are ordinary GETs to the gateway's own port (127.0.0.1), so they take
 * the same path as clients: the read path's cache (a request as an entry turns stale refreshes it in the
 * background; a miss fills it), its coalescer, and the hot-spot window of the fixture, so warming spends the
 * fixture's upstream budget like any caller and is answered 429 when the window is full (counted as
 * {@code rejected}, never retried early). They carry {@link Warming#HEADER} with a per-process
 * random token: the gateway strips it before anything goes upstream, and the {@link Warming} stage marks them so
 * that admission lets them through. At most one warming request per event and path is outstanding at a time.
 * The list is bounded ({@code max-events}, the soonest first) and so is the body read ({@link #MAX_LIST_BYTES}).
 * Times compare the fixture's {@code start_time} with the ticker's wall clock, so tests drive the schedule with a
 * manual ticker.
 */
final class CacheWarmer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CacheWarmer.class);
    static final int MAX_LIST_BYTES = 8 << 20;

    enum State { SCHEDULED, WARMING }

    /** One major event and its warming progress; mutable fields are guarded by the warmer's monitor. */
    static final class Event {
        final String fixtureId;
        final String name;
        final String league;
        final Instant start;
        final Instant warmFrom;
        final Instant warmUntil;
        final String reason;
        final Map<String, Long> nextDue = new LinkedHashMap<>();
        final java.util.Set<String> inFlight = new java.util.HashSet<>();
        long requests;
        int lastStatus;
        Instant lastWarmedAt;

        Event(String fixtureId, String name, String league, Instant start, Instant warmFrom, Instant warmUntil,
              String reason) {
            this.fixtureId = fixtureId;
            this.name = name;
            this.league = league;
            this.start = start;
            this.warmFrom = warmFrom;
            this.warmUntil = warmUntil;
            this.reason = reason;
        }
    }

    private final GatewayContext gw;
    private final HotSpotsConfig.Warming config;
    private final IntSupplier port;
    private final String token;
    private final List<Pattern> leagues;
    private final List<Pattern> names;
    private final Map<String, Duration> intervals = new LinkedHashMap<>();
    private final long tickNanos;
    private final HttpClientAgent client;
    private final Map<String, Event> events = new ConcurrentHashMap<>();
    private final Counter ok;
    private final Counter rejected;
    private final Counter failed;
    private final Counter pollsOk;
    private final Counter pollsFailed;
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Instant lastPollAt;
    private volatile String lastPollOutcome = "not yet";
    private volatile boolean closed;
    private volatile Scheduler.Cancellable pollTimer;
    private volatile Scheduler.Cancellable tickTimer;

    CacheWarmer(GatewayContext gw, HotSpotsConfig.Warming config, IntSupplier port, String token) {
        this.gw = gw;
        this.config = config;
        this.port = port;
        this.token = token;
        this.leagues = HotSpotsConfig.Major.compile("leagues", config.major().leagues());
        this.names = HotSpotsConfig.Major.compile("name-patterns", config.major().namePatterns());
        long tick = Long.MAX_VALUE;
        for (String path : config.paths()) {
            Duration interval = intervalFor(path);
            intervals.put(path, interval);
            tick = Math.min(tick, interval.toNanos());
        }
        this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(100), tick);
        // a few requests per event and refresh interval: a fresh connection each time costs nothing and no
        // request ever lands on a kept-alive connection the server is about to close
        this.client = gw.vertx().httpClientBuilder().with(new HttpClientOptions().setKeepAlive(false))
                .with(new PoolOptions().setHttp1MaxSize(8)).build();
        MeterRegistry registry = gw.registry();
        this.ok = warmCounter(registry, "ok");
        this.rejected = warmCounter(registry, "rejected");
        this.failed = warmCounter(registry, "error");
        this.pollsOk = Counter.builder("levee.hotspot.warming.polls").tag("outcome", "ok")
                .description("Reads of the fixture list").register(registry);
        this.pollsFailed = Counter.builder("levee.hotspot.warming.polls").tag("outcome", "error")
                .description("Reads of the fixture list").register(registry);
        Gauge.builder("levee.hotspot.warming.events", this, w -> w.count(State.WARMING))
                .description("Major events being warmed now").register(registry);
        Gauge.builder("levee.hotspot.warming.scheduled", this, w -> w.count(State.SCHEDULED))
                .description("Major events known, warming not started yet").register(registry);
    }

    private static Counter warmCounter(MeterRegistry registry, String outcome) {
        return Counter.builder("levee.hotspot.warming.requests").tag("outcome", outcome)
                .description("Warming requests sent through the gateway, by outcome").register(registry);
    }

    /** The route's fresh TTL (refresh as the entry turns stale), the configured interval, or the poll interval. */
    private Duration intervalFor(String path) {
        if (!config.refreshInterval().isZero()) {
            return config.refreshInterval();
        }
        String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        RouteConfig route = gw.config().routeFor(p);
        if (route != null && route.cache() != null) {
            return route.cache().fresh();
        }
        return config.pollInterval();
    }

    void start() {
        schedulePoll(0);
        scheduleTick();
    }

    private void schedulePoll(long delayNanos) {
        if (!closed) {
            pollTimer = gw.scheduler().schedule(() -> {
                poll();
                schedulePoll(config.pollInterval().toNanos());
            }, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void scheduleTick() {
        if (!closed) {
            tickTimer = gw.scheduler().schedule(() -> {
                try {
                    tick();
                } catch (RuntimeException e) {
                    log.warn("cache warming tick failed", e);
                }
                scheduleTick();
            }, tickNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Reads the fixture list once. */
    void poll() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Accept", "application/json");
        gw.upstream().fetch(new UpstreamRequest(HttpMethod.GET, config.fixturesPath(), headers, null))
                .onComplete(ar -> {
                    lastPollAt = Instant.ofEpochMilli(gw.ticker().epochMillis());
                    if (ar.failed()) {
                        pollFailed(ar.cause().getMessage());
                        return;
                    }
                    if (ar.result().status() / 100 != 2) {
                        pollFailed("status " + ar.result().status());
                        return;
                    }
                    if (ar.result().body().length() > MAX_LIST_BYTES) {
                        pollFailed("fixture list larger than " + MAX_LIST_BYTES + " bytes");
                        return;
                    }
                    try {
                        update(JsonResponses.MAPPER.readTree(ar.result().body().getBytes()));
                        pollsOk.increment();
                        lastPollOutcome = "ok";
                    } catch (Exception e) {
                        pollFailed("unreadable fixture list: " + e.getMessage());
                    }
                });
    }

    private void pollFailed(String why) {
        pollsFailed.increment();
        lastPollOutcome = why;
        log.warn("cache warming: reading {} failed: {}", config.fixturesPath(), why);
    }

    /** Replaces the set of major events with those of {@code list} that have not ended. */
    synchronized void update(JsonNode list) {
        JsonNode data = list.path("data");
        if (!data.isArray()) {
            throw new IllegalArgumentException("expected {\"data\": [...]}");
        }
        Instant now = Instant.ofEpochMilli(gw.ticker().epochMillis());
        List<Event> major = new ArrayList<>();
        for (JsonNode f : data) {
            String id = f.path("fixture_id").asText("");
            Instant start = parseTime(f.path("start_time").asText(""));
            if (id.isEmpty() || start == null) {
                continue;
            }
            String league = f.path("league").asText("");
            String name = f.hasNonNull("name") ? f.get("name").asText()
                    : f.path("home_team").asText("?") + " vs " + f.path("away_team").asText("?");
            String reason = classify(f, league, name);
            Instant until = start.plus(config.eventDuration());
            if (reason == null || !until.isAfter(now)) {
                continue;
            }
            major.add(new Event(id, name, league, start, start.minus(config.warmBefore()), until, reason));
        }
        major.sort(Comparator.comparing((Event e) -> e.start).thenComparing(e -> e.fixtureId));
        Map<String, Event> next = new LinkedHashMap<>();
        for (Event e : major) {
            if (next.size() >= config.maxEvents()) {
                break;
            }
            Event known = events.get(e.fixtureId);
            next.putIfAbsent(e.fixtureId, known != null && known.start.equals(e.start) ? known : e);
        }
        events.keySet().retainAll(next.keySet());
        events.putAll(next);
    }

    /** Why an event is major, or null if it is not. */
    String classify(JsonNode fixture, String league, String name) {
        if (config.major().upstreamFlag() && fixture.path("major_event").asBoolean(false)) {
            return "upstream flag";
        }
        for (Pattern p : leagues) {
            if (p.matcher(league).matches()) {
                return "league " + p.pattern();
            }
        }
        for (Pattern p : names) {
            if (p.matcher(name).find()) {
                return "name " + p.pattern();
            }
        }
        return null;
    }

    private static Instant parseTime(String text) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    /** Sends the warming requests that are due. */
    synchronized void tick() {
        Instant now = Instant.ofEpochMilli(gw.ticker().epochMillis());
        long nowNanos = gw.ticker().read();
        events.values().removeIf(e -> !e.warmUntil.isAfter(now));
        int p = port.getAsInt();
        if (p <= 0) {
            return; // the gateway has not learned its port yet (port 0 before the first request)
        }
        for (Event e : events.values()) {
            if (now.isBefore(e.warmFrom)) {
                continue;
            }
            for (Map.Entry<String, Duration> path : intervals.entrySet()) {
                Long due = e.nextDue.get(path.getKey());
                // one warming request per event and path at a time: a slow gateway never piles them up
                if (due != null && nowNanos < due || e.inFlight.contains(path.getKey())) {
                    continue;
                }
                e.nextDue.put(path.getKey(), nowNanos + path.getValue().toNanos());
                e.inFlight.add(path.getKey());
                send(e, path.getKey(), path.getKey().replace("{fixture_id}",
                        URLEncoder.encode(e.fixtureId, StandardCharsets.UTF_8)), p);
            }
        }
    }

    private void send(Event e, String path, String uri, int port) {
        e.requests++;
        pending.incrementAndGet();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
                .setURI(uri).putHeader(Warming.HEADER, token)
                .setTimeout(gw.config().upstream().timeout().toMillis() * 2);
        // the response is read inside the request's callback: this runs on the scheduler's thread (a test's
        // thread with a manual ticker), and a flat compose chain could ask for the body after it was received
        client.request(options)
                .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode())))
                .onComplete(ar -> {
                    int status = ar.succeeded() ? ar.result() : 0;
                    synchronized (this) {
                        e.inFlight.remove(path);
                        e.lastStatus = status;
                        e.lastWarmedAt = Instant.ofEpochMilli(gw.ticker().epochMillis());
                    }
                    if (status / 100 == 2) {
                        ok.increment();
                    } else if (status == 429) {
                        rejected.increment();
                    } else {
                        failed.increment();
                        log.debug("cache warming {} answered {}", uri, ar.succeeded() ? status : ar.cause());
                    }
                    // last: whoever sees the request leave pending() also sees its outcome and a free slot for the
                    // next tick (a test that moves time once nothing is pending relies on it)
                    pending.decrementAndGet();
                });
    }

    /** Warming requests sent and not answered yet. */
    int pending() {
        return pending.get();
    }

    private int count(State state) {
        Instant now = Instant.ofEpochMilli(gw.ticker().epochMillis());
        return (int) events.values().stream().filter(e -> state(e, now) == state).count();
    }

    private static State state(Event e, Instant now) {
        return now.isBefore(e.warmFrom) ? State.SCHEDULED : State.WARMING;
    }

    /** What is being warmed, for {@code /health/hot-spots}. */
    synchronized Report report() {
        Instant now = Instant.ofEpochMilli(gw.ticker().epochMillis());
        List<EventView> list = new ArrayList<>();
        events.values().stream().sorted(Comparator.comparing((Event e) -> e.start)).forEach(e -> list.add(
                new EventView(e.fixtureId, e.name, e.league, e.reason, e.start.toString(), e.warmFrom.toString(),
                        e.warmUntil.toString(), state(e, now).name().toLowerCase(Locale.ROOT), e.requests,
                        e.lastStatus == 0 ? null : e.lastStatus,
                        e.lastWarmedAt == null ? null : e.lastWarmedAt.toString())));
        return new Report(true, config.fixturesPath(), lastPollAt == null ? null : lastPollAt.toString(),
                lastPollOutcome, count(State.WARMING), count(State.SCHEDULED), pending.get(), (long) ok.count(),
                (long) rejected.count(), (long) failed.count(), list);
    }

    /** The {@code warming} block of {@code /health/hot-spots} with warming off. */
    record Disabled(boolean enabled) {}

    /** The {@code warming} block: the last fixture poll, the warming requests so far and each major event. */
    record Report(boolean enabled, String fixturesPath, String lastPollAt, String lastPoll, int warmingNow,
                  int scheduled, int inFlight, long requestsOk, long requestsRejected, long requestsFailed,
                  List<EventView> events) {}

    /** One major event: why it is major, its warming window and state, the last warming request's outcome. */
    record EventView(String fixtureId, String name, String league, String majorBecause, String startTime,
                     String warmFrom, String warmUntil, String state, long requests, Integer lastStatus,
                     String lastWarmedAt) {}

    @Override
    public void close() {
        closed = true;
        Scheduler.Cancellable t = pollTimer;
        if (t != null) {
            t.cancel();
        }
        t = tickTimer;
        if (t != null) {
            t.cancel();
        }
        client.close();
    }
}
