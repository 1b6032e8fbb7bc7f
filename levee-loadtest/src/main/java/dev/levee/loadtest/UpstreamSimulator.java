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
package dev.levee.loadtest;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * A simulated paid odds feed, in the shape of a real one, for demos, tests and load runs.
 *
 * <pre>
 * GET  /api/v3/fixtures                              {"data":[{fixture_id, sport, league, home_team, away_team,
 *                                                               start_time, major_event}, ...]}
 * GET  /api/v3/fixtures/odds?fixture_id=1[&amp;fixture_id=2...]   {"data":[{fixture_id, ..., bookmakers:[...]}, ...]}
 *                                                    unknown fixture 404, over quota 429 + Retry-After, errors 500
 * GET  /sim/stats          POST /sim/stats/reset[?quota=true]       calls received, per fixture
 * POST /ingest             GET /sim/ingest/stats    POST /sim/ingest/stats/reset     the event sink
 * GET  /health
 * </pre>
 *
 * <p>Implementation notes.
 * <ul>
 *   <li>Quota: each fixture has an exact sliding window ({@link SlidingWindowQuota}) of admitted odds calls. A call is
 *       admitted and counted against the quota when it arrives, before the simulated latency and before the simulated
 *       error draw, as a paid feed bills failed calls too. A batch is admitted only if every fixture in it has room;
 *       then each consumes one slot. Otherwise the whole batch gets 429 with {@code Retry-After} = the longest wait,
 *       rounded up to whole seconds (at least 1), and consumes nothing.</li>
 *   <li>Threads: several server instances (one event loop each) share the port, so per-fixture state is guarded by
 *       a per-fixture lock; a batch takes its fixtures' locks in ascending id order (no deadlock). Totals are
 *       {@link LongAdder}s. Statistics are counted when the answer is decided, before the latency delay, so by the
 *       time a client has its response the simulator's counts already include it.</li>
 *   <li>Randomness (error draws, jitter, odds drift) comes from {@link Mix} over (seed, counter) rather than a shared
 *       {@link java.util.Random}: no contention, and the same seed gives the same sequence of draws.</li>
 *   <li>Bounded: state exists only for the configured fixtures (ids 1..N, in an array); unknown ids get 404 and no
 *       state; a request names at most {@code maxIdsPerRequest} ids; ingest bodies are size-limited and the per-type
 *       counts keep at most {@link #MAX_EVENT_TYPES} names.</li>
 * </ul>
 */
public final class UpstreamSimulator {
    /** Distinct event {@code type} names counted by the ingest statistics; further names count as "other". */
    public static final int MAX_EVENT_TYPES = 64;

    private static final String JSON_TYPE = "application/json";

    private final Vertx vertx;
    private final SimulatorOptions options;
    private final List<Fixture> fixtures;
    private final Buffer fixturesBody;
    private final FixtureState[] states;
    private final long windowNanos;

    private final LongAdder requests = new LongAdder();
    private final LongAdder ok = new LongAdder();
    private final LongAdder throttled = new LongAdder();
    private final LongAdder clientErrors = new LongAdder();
    private final LongAdder serverErrors = new LongAdder();
    private final LongAdder fixturesListCalls = new LongAdder();
    private final LongAdder oddsRequests = new LongAdder();
    private final AtomicLong draws = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger openConnections = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger peakConnections = new java.util.concurrent.atomic.AtomicInteger();

    private final LongAdder ingestRequests = new LongAdder();
    private final LongAdder ingestEvents = new LongAdder();
    private final LongAdder ingestFailed = new LongAdder();
    private final LongAdder ingestRejected = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> ingestByType = new ConcurrentHashMap<>();

    private final List<String> deployments = new CopyOnWriteArrayList<>();
    private volatile int port = -1;
    private volatile int ingestPort = -1;

    private static final class FixtureState {
        final ReentrantLock lock = new ReentrantLock();
        final @Nullable SlidingWindowQuota quota; // null: no quota
        long calls;
        long ok;
        long throttled;
        long serverErrors;
        long version;

        FixtureState(@Nullable SlidingWindowQuota quota) {
            this.quota = quota;
        }
    }

    @SuppressForbidden("without a base time the fixtures start around the real now, as a live feed's do")
    private UpstreamSimulator(Vertx vertx, SimulatorOptions options) {
        this.vertx = vertx;
        this.options = options;
        Instant base = options.baseTime() != null ? options.baseTime() : Instant.now();
        this.fixtures = FixtureCatalog.generate(options.fixtures(), options.seed(), base);
        this.windowNanos = options.quotaWindow().toNanos();
        this.states = new FixtureState[fixtures.size()];
        for (int i = 0; i < states.length; i++) {
            states[i] = new FixtureState(options.quotaLimit() > 0
                    ? new SlidingWindowQuota(options.quotaLimit(), windowNanos) : null);
        }
        JsonArray data = new JsonArray();
        for (Fixture f : fixtures) {
            data.add(new JsonObject()
                    .put("fixture_id", f.fixtureId())
                    .put("sport", f.sport())
                    .put("league", f.league())
                    .put("home_team", f.homeTeam())
                    .put("away_team", f.awayTeam())
                    .put("start_time", f.startTime().toString())
                    .put("major_event", f.majorEvent()));
        }
        this.fixturesBody = new JsonObject().put("data", data).toBuffer();
    }

    /** Starts a simulator on {@code vertx}; the future completes once every server instance listens. */
    public static Future<UpstreamSimulator> start(Vertx vertx, SimulatorOptions options) {
        requireNonNull(vertx, "vertx");
        requireNonNull(options, "options");
        UpstreamSimulator sim = new UpstreamSimulator(vertx, options);
        return sim.deployAll(3)
                .map(v -> sim)
                .recover(err -> sim.close().transform(ignored -> Future.failedFuture(err)));
    }

    /**
     * Vert.x shares a listening socket between server instances only when they ask for the same port, and port 0
     * means a different random port to each. So with several instances and port 0, pick a free port first and give
     * it to all of them; another process may take it in between, hence the retries.
     */
    private Future<Void> deployAll(int attempts) {
        int main = options.port();
        int extra = options.ingestPort();
        if (options.instances() > 1) {
            main = main == 0 ? freePort() : main;
            extra = extra == 0 ? freePort() : extra;
        }
        return deploy(main, extra, options.instances()).recover(err -> {
            if (attempts > 1 && err instanceof java.net.BindException
                    && options.instances() > 1 && (options.port() == 0 || options.ingestPort() == 0)) {
                return close().compose(v -> deployAll(attempts - 1));
            }
            return Future.failedFuture(err);
        });
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Future<Void> deploy(int mainPort, int extraPort, int instances) {
        return vertx.deployVerticle(() -> new ServerVerticle(mainPort, extraPort),
                        new DeploymentOptions().setInstances(instances))
                .onSuccess(deployments::add)
                .mapEmpty();
    }

    private final class ServerVerticle extends VerticleBase {
        private final int mainPort;
        private final int extraPort;

        ServerVerticle(int mainPort, int extraPort) {
            this.mainPort = mainPort;
            this.extraPort = extraPort;
        }

        @Override
        public Future<?> start() {
            Future<HttpServer> main = listen(mainPort).onSuccess(s -> port = s.actualPort());
            if (extraPort < 0) {
                return main;
            }
            return main.compose(s -> listen(extraPort)).onSuccess(s -> ingestPort = s.actualPort());
        }

        private Future<HttpServer> listen(int p) {
            HttpServerOptions so = new HttpServerOptions()
                    .setHost(options.host())
                    .setPort(p)
                    .setAcceptBacklog(8192)
                    .setTcpNoDelay(true)
                    .setReuseAddress(true);
            return vertx.createHttpServer(so)
                    .connectionHandler(conn -> {
                        peakConnections.accumulateAndGet(openConnections.incrementAndGet(), Math::max);
                        conn.closeHandler(v -> openConnections.decrementAndGet());
                    })
                    .requestHandler(UpstreamSimulator.this::handle)
                    .listen();
        }
    }

    /** The port the feed listens on. */
    public int port() {
        return port;
    }

    /** The extra port ({@link SimulatorOptions#ingestPort()}), or -1. */
    public int ingestPort() {
        return ingestPort;
    }

    public SimulatorOptions options() {
        return options;
    }

    /** The fixtures the feed lists, by ascending id (ids 1..N). */
    public List<Fixture> fixtures() {
        return fixtures;
    }

    /** Stops every server instance. */
    public Future<Void> close() {
        List<Future<Void>> all = new ArrayList<>();
        for (String id : deployments) {
            all.add(vertx.undeploy(id));
        }
        deployments.clear();
        return Future.join(all).mapEmpty();
    }

    // ---------------------------------------------------------------- statistics

    public SimulatorStats stats() {
        Map<Long, SimulatorStats.FixtureStats> per = new TreeMap<>();
        for (int i = 0; i < states.length; i++) {
            FixtureState s = states[i];
            s.lock.lock();
            try {
                if (s.calls > 0) {
                    per.put((long) i + 1, new SimulatorStats.FixtureStats(s.calls, s.ok, s.throttled, s.serverErrors));
                }
            } finally {
                s.lock.unlock();
            }
        }
        return new SimulatorStats(requests.sum(), ok.sum(), throttled.sum(), clientErrors.sum(), serverErrors.sum(),
                fixturesListCalls.sum(), oddsRequests.sum(), openConnections.get(), peakConnections.get(), per);
    }

    /** Zeroes the call counts and the peak connection count (not the quota windows: see {@link #resetQuotas()}). */
    public void resetStats() {
        peakConnections.set(openConnections.get());
        for (LongAdder a : List.of(requests, ok, throttled, clientErrors, serverErrors, fixturesListCalls, oddsRequests)) {
            a.reset();
        }
        for (FixtureState s : states) {
            s.lock.lock();
            try {
                s.calls = 0;
                s.ok = 0;
                s.throttled = 0;
                s.serverErrors = 0;
            } finally {
                s.lock.unlock();
            }
        }
    }

    /** Empties every fixture's quota window, as if no call had been made. */
    public void resetQuotas() {
        for (FixtureState s : states) {
            s.lock.lock();
            try {
                if (s.quota != null) {
                    s.quota.reset();
                }
            } finally {
                s.lock.unlock();
            }
        }
    }

    public IngestStats ingestStats() {
        Map<String, Long> byType = new TreeMap<>();
        ingestByType.forEach((k, v) -> byType.put(k, v.sum()));
        return new IngestStats(ingestRequests.sum(), ingestEvents.sum(), ingestFailed.sum(), ingestRejected.sum(), byType);
    }

    public void resetIngestStats() {
        ingestRequests.reset();
        ingestEvents.reset();
        ingestFailed.reset();
        ingestRejected.reset();
        ingestByType.clear();
    }

    // ---------------------------------------------------------------- request handling

    private void handle(HttpServerRequest req) {
        String path = req.path();
        HttpMethod m = req.method();
        switch (path) {
            case "/api/v3/fixtures" -> {
                requests.increment();
                if (!HttpMethod.GET.equals(m)) {
                    feedError(req, 405, new JsonObject().put("error", "Method not allowed"));
                    return;
                }
                fixturesListCalls.increment();
                ok.increment();
                respond(req, 200, fixturesBody, null, feedDelayMs());
            }
            case "/api/v3/fixtures/odds" -> {
                requests.increment();
                if (!HttpMethod.GET.equals(m)) {
                    feedError(req, 405, new JsonObject().put("error", "Method not allowed"));
                    return;
                }
                odds(req);
            }
            case "/sim/stats" -> ops(req, HttpMethod.GET, () -> Json.encodeToBuffer(stats().toMap()));
            case "/sim/stats/reset" -> ops(req, HttpMethod.POST, () -> {
                resetStats();
                boolean quota = "true".equalsIgnoreCase(req.getParam("quota"));
                if (quota) {
                    resetQuotas();
                }
                return new JsonObject().put("reset", true).put("quota_reset", quota).toBuffer();
            });
            case "/sim/ingest/stats" -> ops(req, HttpMethod.GET, () -> Json.encodeToBuffer(ingestStats().toMap()));
            case "/sim/ingest/stats/reset" -> ops(req, HttpMethod.POST, () -> {
                resetIngestStats();
                return new JsonObject().put("reset", true).toBuffer();
            });
            case "/health" -> ops(req, HttpMethod.GET, () -> new JsonObject().put("status", "UP").toBuffer());
            case "/ingest" -> ingest(req);
            default -> {
                requests.increment();
                feedError(req, 404, new JsonObject().put("error", "Not found").put("path", path));
            }
        }
    }

    private void ops(HttpServerRequest req, HttpMethod method, java.util.function.Supplier<Buffer> body) {
        if (!req.method().equals(method)) {
            respond(req, 405, new JsonObject().put("error", "Method not allowed").toBuffer(), null, 0);
            return;
        }
        respond(req, 200, body.get(), null, 0);
    }

    private void feedError(HttpServerRequest req, int status, JsonObject body) {
        clientErrors.increment();
        respond(req, status, body.toBuffer(), null, feedDelayMs());
    }

    @SuppressForbidden("the odds' \"updated\" stamp is the real time of the answer, as a live feed's is")
    private void odds(HttpServerRequest req) {
        oddsRequests.increment();
        List<String> raw = req.params().getAll("fixture_id");
        if (raw.isEmpty()) {
            feedError(req, 400, new JsonObject().put("error", "Missing fixture_id"));
            return;
        }
        if (raw.size() > options.maxIdsPerRequest()) {
            feedError(req, 400, new JsonObject().put("error", "Too many fixture_id parameters")
                    .put("count", raw.size()).put("max", options.maxIdsPerRequest()));
            return;
        }
        long[] ids = new long[raw.size()];
        for (int i = 0; i < ids.length; i++) {
            try {
                ids[i] = Long.parseLong(raw.get(i).trim());
            } catch (NumberFormatException e) {
                feedError(req, 400, new JsonObject().put("error", "Invalid fixture_id").put("fixture_id", raw.get(i)));
                return;
            }
        }
        for (long id : ids) {
            if (id < 1 || id > states.length) {
                feedError(req, 404, new JsonObject().put("error", "Unknown fixture").put("fixture_id", id));
                return;
            }
        }
        long[] lockOrder = Arrays.stream(ids).distinct().sorted().toArray();
        long now = options.nanoClock().getAsLong();
        long wait = 0;
        boolean fail;
        long[] versions = new long[lockOrder.length];
        for (long id : lockOrder) {
            states[(int) id - 1].lock.lock();
        }
        try {
            for (long id : lockOrder) {
                FixtureState s = states[(int) id - 1];
                if (s.quota != null) {
                    wait = Math.max(wait, s.quota.waitNanos(now));
                }
            }
            fail = wait == 0 && options.errorRate() > 0
                    && Mix.unit(options.seed(), draws.getAndIncrement()) < options.errorRate();
            for (int i = 0; i < lockOrder.length; i++) {
                FixtureState s = states[(int) lockOrder[i] - 1];
                s.calls++;
                if (wait > 0) {
                    s.throttled++;
                    continue;
                }
                if (s.quota != null) {
                    s.quota.acquire(now);
                }
                if (fail) {
                    s.serverErrors++;
                } else {
                    s.ok++;
                    versions[i] = ++s.version;
                }
            }
        } finally {
            for (int i = lockOrder.length - 1; i >= 0; i--) {
                states[(int) lockOrder[i] - 1].lock.unlock();
            }
        }
        if (wait > 0) {
            throttled.increment();
            long seconds = Math.max(1, (wait + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
            JsonObject body = new JsonObject().put("error", "Quota exceeded").put("retry_after", seconds)
                    .put("limit", options.quotaLimit()).put("window_seconds", options.quotaWindow().toSeconds())
                    .put("fixture_id", lockOrder.length == 1 ? lockOrder[0] : null);
            respond(req, 429, body.toBuffer(), Map.of("Retry-After", String.valueOf(seconds)), feedDelayMs());
            return;
        }
        if (fail) {
            serverErrors.increment();
            respond(req, 500, new JsonObject().put("error", "Simulated upstream error").toBuffer(), null, feedDelayMs());
            return;
        }
        ok.increment();
        JsonArray data = new JsonArray();
        String updated = Instant.now().toString();
        for (int i = 0; i < lockOrder.length; i++) {
            data.add(oddsJson(fixtures.get((int) lockOrder[i] - 1), versions[i], updated));
        }
        respond(req, 200, new JsonObject().put("data", data).toBuffer(), null, feedDelayMs());
    }

    /** Decimal odds from a fixture-specific base probability that drifts a little with every served version. */
    private JsonObject oddsJson(Fixture f, long version, String updated) {
        long seed = options.seed() ^ (f.fixtureId() * 0x9e3779b97f4a7c15L);
        boolean draws = f.sport().equals("soccer") || f.sport().equals("ice_hockey");
        double home = 0.30 + 0.35 * Mix.unit(seed, 0) + 0.04 * (Mix.unit(seed, version) - 0.5);
        double draw = draws ? 0.20 + 0.10 * Mix.unit(seed, 1) : 0;
        double away = Math.max(0.05, 1 - home - draw);
        JsonArray books = new JsonArray();
        String[] names = {"levee-book", "northbet", "oddsmith"};
        for (int b = 0; b < names.length; b++) {
            double margin = 1.04 + 0.02 * b;
            JsonArray outcomes = new JsonArray()
                    .add(outcome(f.homeTeam(), home, margin));
            if (draws) {
                outcomes.add(outcome("Draw", draw, margin));
            }
            outcomes.add(outcome(f.awayTeam(), away, margin));
            books.add(new JsonObject().put("key", names[b])
                    .put("markets", new JsonArray().add(new JsonObject().put("key", "h2h").put("outcomes", outcomes))));
        }
        return new JsonObject()
                .put("fixture_id", f.fixtureId())
                .put("sport", f.sport())
                .put("league", f.league())
                .put("home_team", f.homeTeam())
                .put("away_team", f.awayTeam())
                .put("start_time", f.startTime().toString())
                .put("version", version)
                .put("updated_at", updated)
                .put("bookmakers", books);
    }

    private static JsonObject outcome(String name, double probability, double margin) {
        double price = Math.round(100.0 / (probability * margin)) / 100.0;
        return new JsonObject().put("name", name).put("price", Math.max(1.01, price));
    }

    private void ingest(HttpServerRequest req) {
        if (!HttpMethod.POST.equals(req.method())) {
            respond(req, 405, new JsonObject().put("error", "Method not allowed").toBuffer(), null, 0);
            return;
        }
        ingestRequests.increment();
        String len = req.getHeader("Content-Length");
        if (len != null && parseLong(len) > options.maxBodyBytes()) {
            ingestRejected.increment();
            closeAfter(req);
            respond(req, 413, new JsonObject().put("error", "Body too large").put("max_bytes", options.maxBodyBytes())
                    .toBuffer(), null, 0);
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] tooLarge = {false};
        req.handler(chunk -> {
            if (tooLarge[0]) {
                return;
            }
            if (body.length() + chunk.length() > options.maxBodyBytes()) {
                tooLarge[0] = true;
                ingestRejected.increment();
                closeAfter(req);
                respond(req, 413, new JsonObject().put("error", "Body too large")
                        .put("max_bytes", options.maxBodyBytes()).toBuffer(), null, 0);
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (!tooLarge[0]) {
                ingestBody(req, body);
            }
        });
    }

    private void ingestBody(HttpServerRequest req, Buffer body) {
        List<Object> events;
        try {
            Object parsed = Json.decodeValue(body);
            if (parsed instanceof JsonArray arr) {
                events = new ArrayList<>(arr.size());
                arr.forEach(events::add);
            } else if (parsed instanceof JsonObject) {
                events = List.of(parsed);
            } else {
                throw new DecodeException("not an object or array");
            }
        } catch (DecodeException | NullPointerException e) {
            ingestRejected.increment();
            respond(req, 400, new JsonObject().put("error", "Invalid JSON event").toBuffer(), null, 0);
            return;
        }
        long delay = options.ingestLatency().toMillis();
        if (options.ingestFailureRate() > 0
                && Mix.unit(options.seed() + 1, draws.getAndIncrement()) < options.ingestFailureRate()) {
            ingestFailed.increment();
            respond(req, 500, new JsonObject().put("error", "Simulated sink failure").toBuffer(), null, delay);
            return;
        }
        ingestEvents.add(events.size());
        for (Object e : events) {
            String type = e instanceof Map<?, ?> map && map.get("type") instanceof String t ? t
                    : e instanceof JsonObject jo && jo.getValue("type") instanceof String t2 ? t2 : "(none)";
            LongAdder counter = ingestByType.get(type);
            if (counter == null) {
                counter = ingestByType.size() < MAX_EVENT_TYPES
                        ? ingestByType.computeIfAbsent(type, k -> new LongAdder())
                        : ingestByType.computeIfAbsent("other", k -> new LongAdder());
            }
            counter.increment();
        }
        respond(req, 200, new JsonObject().put("accepted", events.size()).toBuffer(), null, delay);
    }

    /** The rest of a refused body is not read, so an HTTP/1 connection cannot be reused (HTTP/2 has no such header). */
    private static void closeAfter(HttpServerRequest req) {
        if (req.version() != io.vertx.core.http.HttpVersion.HTTP_2) {
            req.response().putHeader("Connection", "close");
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private long feedDelayMs() {
        long base = options.latency().toNanos();
        long jitter = options.jitter().toNanos();
        if (jitter > 0) {
            base += (long) ((2 * Mix.unit(options.seed() + 2, draws.getAndIncrement()) - 1) * jitter);
        }
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(base));
    }

    private void respond(HttpServerRequest req, int status, Buffer body, @Nullable Map<String, String> headers,
                         long delayMs) {
        Runnable send = () -> {
            var resp = req.response();
            if (resp.ended() || resp.closed()) {
                return;
            }
            resp.setStatusCode(status).putHeader("Content-Type", JSON_TYPE);
            if (headers != null) {
                headers.forEach(resp::putHeader);
            }
            resp.end(body);
        };
        if (delayMs >= 1) {
            vertx.setTimer(delayMs, t -> send.run());
        } else {
            send.run();
        }
    }

    @Override
    public String toString() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("port", port);
        m.put("fixtures", fixtures.size());
        return "UpstreamSimulator" + m;
    }
}
