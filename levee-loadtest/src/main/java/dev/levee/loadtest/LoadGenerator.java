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

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.HdrHistogram.Histogram;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * Holds N concurrent HTTP clients against a target and reports what each class of client got.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li>No thread per client: each client is a loop of callbacks on a Vert.x event loop (send, await the whole
 *       response or the timeout, record, send again), so 10,000 clients cost 10,000 connections and a few objects
 *       each. Clients are spread over one worker per event loop; each worker gives every group of
 *       {@link #CLIENTS_PER_POOL} clients an HTTP client whose pool has exactly as many connections as the group has
 *       clients (keep-alive, no pipelining), so a client never waits for another's connection, and a bounded wait
 *       queue for the moments a timed-out request's connection is being replaced.</li>
 *   <li>Each worker records into its own counters and HdrHistograms (one per class, microseconds) without
 *       locks, as only its event loop touches them; the report merges them at the end.</li>
 *   <li>The per-request timeout is a timer: when it fires first, the request is reset (closing its connection) and
 *       counted as an error; its late outcome is ignored. Every request sent ends in exactly one outcome.</li>
 *   <li>Stop: after {@code duration} (measured from the start, ramp-up included) no client starts a new request; with
 *       a request count, a shared counter hands out exactly that many. The run ends when the last outstanding
 *       request is answered or times out.</li>
 *   <li>Closed loop: a client sends its next request only after the previous one ended, as a real app does. So
 *       the load falls when the target slows down, and the latencies are per-request times that are not corrected
 *       for coordinated omission (HdrHistogram's {@code recordValueWithExpectedInterval} does not apply: there is
 *       no fixed send schedule).</li>
 *   <li>File descriptors: every client holds one socket (two if the target runs in the same process), so the
 *       process needs {@code ulimit -n} above the concurrency plus a few hundred.</li>
 * </ul>
 */
@SuppressForbidden("a load generator: it measures real latencies over real sockets, and signs tokens for now")
public final class LoadGenerator {
    /**
     * Clients sharing one HTTP client and its pool. Vert.x picks a pooled connection by scanning the whole pool on
     * every request (its LIFO selector is O(pool size)), so one pool of 2,500 connections per event loop spends most
     * of its CPU scanning; pools of 64 keep that cost small while every client still has a connection of its own.
     */
    static final int CLIENTS_PER_POOL = Integer.getInteger("levee.loadtest.clientsPerPool", 64); // for A/B runs only
    private static final int MAX_ERROR_TYPES = 16;
    private static final int MAX_RETRY_AFTER_VALUES = 64;

    private final Vertx vertx;
    private final LoadOptions options;
    private final LongAdder finished = new LongAdder();
    private final @Nullable AtomicLong remaining; // null: a run by duration
    private final long highestMicros;
    private final KeyDistribution.Sampler sampler;
    private final Template path;
    private final @Nullable Template body;
    private volatile long startNanos;
    private volatile long deadlineNanos = Long.MAX_VALUE;

    public LoadGenerator(Vertx vertx, LoadOptions options) {
        this.vertx = requireNonNull(vertx, "vertx");
        this.options = requireNonNull(options, "options");
        this.remaining = options.requests() > 0 ? new AtomicLong(options.requests()) : null;
        this.highestMicros = Math.max(10_000, options.timeout().toNanos() / 1000 * 2);
        this.sampler = options.keys().sampler();
        this.path = Template.parse(options.path());
        this.body = options.body() == null ? null : Template.parse(options.body());
    }

    /** Runs {@code options} on {@code vertx}. */
    public static Future<LoadReport> run(Vertx vertx, LoadOptions options) {
        return new LoadGenerator(vertx, options).start();
    }

    /** Runs {@code options} on a Vert.x instance of its own, closed when the run ends. */
    public static CompletableFuture<LoadReport> run(LoadOptions options) {
        Vertx own = Vertx.vertx();
        CompletableFuture<LoadReport> result = new CompletableFuture<>();
        run(own, options).onComplete(ar -> own.close().onComplete(v -> {
            if (ar.succeeded()) {
                result.complete(ar.result());
            } else {
                result.completeExceptionally(ar.cause());
            }
        }));
        return result;
    }

    /** Requests finished (answered or failed) so far, for progress output. */
    public long finished() {
        return finished.sum();
    }

    /** Time since the run started. */
    public Duration elapsed() {
        return startNanos == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - startNanos);
    }

    public LoadOptions options() {
        return options;
    }

    /** Starts the run; the future completes with the report when every client has stopped. */
    public Future<LoadReport> start() {
        List<Client> clients;
        try {
            clients = clients();
        } catch (JOSEException e) {
            return Future.failedFuture(new IllegalArgumentException("cannot sign tokens: " + e.getMessage(), e));
        }
        int workers = Math.max(1, Math.min(clients.size(), 2 * Runtime.getRuntime().availableProcessors()));
        List<Worker> all = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            all.add(new Worker());
        }
        for (Client c : clients) {
            all.get(c.index % workers).clients.add(c);
        }
        Instant startedAt = Instant.now();
        startNanos = System.nanoTime();
        if (options.duration() != null) {
            deadlineNanos = startNanos + options.duration().toNanos();
        }
        List<Future<String>> deployed = new ArrayList<>();
        for (Worker w : all) {
            deployed.add(vertx.deployVerticle(w));
        }
        return Future.all(deployed)
                .compose(v -> Future.all(all.stream().map(w -> w.done.future()).toList()))
                .compose(v -> {
                    long end = all.stream().mapToLong(w -> w.lastNanos).max().orElse(System.nanoTime());
                    LoadReport report = report(startedAt, Duration.ofNanos(Math.max(1, end - startNanos)), all,
                            clients);
                    List<Future<Void>> undeploy = new ArrayList<>();
                    for (Future<String> id : deployed) {
                        undeploy.add(vertx.undeploy(id.result()));
                    }
                    return Future.join(undeploy).transform(ignored -> Future.succeededFuture(report));
                });
    }

    // ---------------------------------------------------------------- clients and tokens

    private static final class Client {
        final int index;
        final ClientClass cls;
        final @Nullable String authorization; // null: no token
        final SplittableRandom random;
        @SuppressWarnings("NullAway.Init") // set by its worker's start, before the client's first request
        HttpClientAgent http;
        long seq;

        Client(int index, ClientClass cls, @Nullable String authorization, SplittableRandom random) {
            this.index = index;
            this.cls = cls;
            this.authorization = authorization;
            this.random = random;
        }
    }

    /** Clients in a deterministic class order interleaved by index, so every worker gets a share of each class. */
    private List<Client> clients() throws JOSEException {
        Map<ClientClass, Integer> counts = options.mix().allocate(options.concurrency());
        MACSigner signer = options.jwtSecret() == null ? null
                : new MACSigner(options.jwtSecret().getBytes(StandardCharsets.UTF_8));
        long lifetimeSeconds = 3600 + (options.duration() == null ? 0 : options.duration().toSeconds())
                + options.timeout().toSeconds();
        Date now = new Date();
        Date exp = new Date(now.getTime() + lifetimeSeconds * 1000);
        // spread the classes over client indexes: client i takes the class whose quota is least filled
        List<ClientClass> order = new ArrayList<>();
        EnumMap<ClientClass, Integer> given = new EnumMap<>(ClientClass.class);
        for (int i = 0; i < options.concurrency(); i++) {
            ClientClass pick = null;
            double best = Double.MAX_VALUE;
            for (ClientClass c : ClientClass.values()) {
                int n = counts.getOrDefault(c, 0);
                int g = given.getOrDefault(c, 0);
                if (g < n && (double) g / n < best) {
                    best = (double) g / n;
                    pick = c;
                }
            }
            given.merge(pick, 1, Integer::sum);
            order.add(pick);
        }
        SplittableRandom root = new SplittableRandom(options.seed());
        List<Client> out = new ArrayList<>(options.concurrency());
        for (int i = 0; i < order.size(); i++) {
            ClientClass c = order.get(i);
            String auth = null;
            if (signer != null && c != ClientClass.BROWSER) {
                JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                        .subject("loadtest-" + c.wireName() + "-" + i)
                        .issueTime(now)
                        .expirationTime(exp);
                if (options.jwtIssuer() != null) {
                    claims.issuer(options.jwtIssuer());
                }
                if (c == ClientClass.AGENT) {
                    claims.claim("role", "agent");
                } else {
                    claims.claim("recent_bet_count", 3);
                }
                SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
                jwt.sign(signer);
                auth = "Bearer " + jwt.serialize();
            }
            out.add(new Client(i, c, auth, root.split()));
        }
        return out;
    }

    // ---------------------------------------------------------------- per event loop

    /** Counters and latencies of one class on one worker; touched only by that worker's event loop. */
    private final class ClassStats {
        final Histogram latency = new Histogram(highestMicros, 3);
        long sent;
        long ok;
        long throttled;
        long otherStatus;
        long serverErrors;
        long errors;
        final Map<String, Long> errorTypes = new TreeMap<>();
        final Map<Long, Long> retryAfter = new TreeMap<>();
    }

    @SuppressForbidden("part of the load generator: real latencies over real sockets")
    private static final class Attempt {
        final Client client;
        final ClassStats stats;
        final long startNanos = System.nanoTime();
        long timer;
        @Nullable HttpClientRequest request; // null until the request is created
        boolean done;

        Attempt(Client client, ClassStats stats) {
            this.client = client;
            this.stats = stats;
        }
    }

    @SuppressForbidden("part of the load generator: real latencies over real sockets")
    private final class Worker extends VerticleBase {
        final List<Client> clients = new ArrayList<>();
        final Promise<Void> done = Promise.promise();
        final EnumMap<ClientClass, ClassStats> stats = new EnumMap<>(ClientClass.class);
        final List<HttpClientAgent> pools = new ArrayList<>();
        @SuppressWarnings("NullAway.Init") // set by start(), before any client runs
        RequestOptions base;
        int active;
        volatile long lastNanos;

        Worker() {
            for (ClientClass c : ClientClass.values()) {
                stats.put(c, new ClassStats());
            }
        }

        @Override
        public Future<?> start() {
            long timeoutMs = options.timeout().toMillis();
            boolean ssl = "https".equalsIgnoreCase(options.url().getScheme());
            int port = options.url().getPort() > 0 ? options.url().getPort() : ssl ? 443 : 80;
            HttpClientOptions ho = new HttpClientOptions()
                    .setKeepAlive(true)
                    .setPipelining(false)
                    .setTcpNoDelay(true)
                    .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs))
                    .setDecompressionSupported(false)
                    .setShared(false)
                    .setSsl(ssl)
                    .setTrustAll(ssl)
                    .setVerifyHost(false);
            for (int from = 0; from < clients.size(); from += CLIENTS_PER_POOL) {
                int size = Math.min(CLIENTS_PER_POOL, clients.size() - from);
                PoolOptions pool = new PoolOptions().setHttp1MaxSize(size).setMaxWaitQueueSize(4 * size + 16);
                HttpClientAgent http = vertx.httpClientBuilder().with(ho).with(pool).build();
                pools.add(http);
                for (Client c : clients.subList(from, from + size)) {
                    c.http = http;
                }
            }
            base = new RequestOptions()
                    .setMethod(HttpMethod.valueOf(options.method()))
                    .setHost(options.url().getHost())
                    .setPort(port)
                    .setSsl(ssl)
                    .setConnectTimeout(timeoutMs)
                    .setFollowRedirects(false);
            active = clients.size();
            if (active == 0) {
                done.complete();
                return Future.succeededFuture();
            }
            long rampMs = options.rampUp().toMillis();
            int n = options.concurrency();
            for (Client c : clients) {
                long delay = rampMs * c.index / n;
                if (delay >= 1) {
                    vertx.setTimer(delay, t -> next(c));
                } else {
                    context.runOnContext(v -> next(c));
                }
            }
            return Future.succeededFuture();
        }

        @Override
        public Future<?> stop() {
            return Future.join(pools.stream().map(HttpClientAgent::close).toList());
        }

        void next(Client c) {
            if (System.nanoTime() >= deadlineNanos || remaining != null && remaining.getAndDecrement() <= 0) {
                if (--active == 0) {
                    done.complete();
                }
                return;
            }
            ClassStats st = requireNonNull(stats.get(c.cls)); // one per class (constructor)
            st.sent++;
            long seq = c.seq++;
            long key = sampler.next(c.random);
            RequestOptions ro = new RequestOptions(base).setURI(path.render(key, c.index, c.cls, seq));
            if (c.authorization != null) {
                ro.putHeader("Authorization", c.authorization);
            }
            Buffer payload = null;
            if (body != null) {
                payload = Buffer.buffer(body.render(key, c.index, c.cls, seq));
                ro.putHeader("Content-Type", "application/json");
            }
            Attempt a = new Attempt(c, st);
            a.timer = vertx.setTimer(options.timeout().toMillis(), t -> {
                failed(a, "timeout"); // first: resetting completes the request's future with a "reset" failure
                if (a.request != null) {
                    a.request.reset(0, new TimeoutException());
                }
            });
            Buffer toSend = payload;
            c.http.request(ro)
                    .compose(req -> {
                        if (a.done) {
                            req.reset();
                            return Future.failedFuture(new TimeoutException());
                        }
                        a.request = req;
                        // the body is read inside the request's callback, so its end cannot be missed
                        return (toSend == null ? req.send() : req.send(toSend))
                                .compose(resp -> resp.body().map(b -> resp));
                    })
                    .onComplete(ar -> {
                        if (ar.succeeded()) {
                            answered(a, ar.result());
                        } else {
                            failed(a, classify(ar.cause()));
                        }
                    });
        }

        void answered(Attempt a, HttpClientResponse resp) {
            if (a.done) {
                return;
            }
            end(a);
            ClassStats st = a.stats;
            long micros = (System.nanoTime() - a.startNanos) / 1000;
            st.latency.recordValue(Math.min(Math.max(micros, 0), highestMicros));
            int status = resp.statusCode();
            long retryAfterSecs = -1;
            String ra = status == 429 || status == 503 ? resp.getHeader("Retry-After") : null;
            if (ra != null) {
                try {
                    retryAfterSecs = Long.parseLong(ra.trim());
                } catch (NumberFormatException ignored) {
                    // an HTTP-date Retry-After: neither tallied nor honoured
                }
            }
            if (status >= 200 && status < 300) {
                st.ok++;
            } else if (status == 429) {
                st.throttled++;
                if (retryAfterSecs >= 0
                        && (st.retryAfter.containsKey(retryAfterSecs) || st.retryAfter.size() < MAX_RETRY_AFTER_VALUES)) {
                    st.retryAfter.merge(retryAfterSecs, 1L, Long::sum);
                }
            } else if (status >= 500) {
                st.serverErrors++;
            } else {
                st.otherStatus++;
            }
            if (options.honourRetryAfter() && retryAfterSecs > 0) {
                // a wait that reaches the end of the run ends the client: wake it just past the deadline, never before
                long untilEndMs = deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE // a request count, no duration
                        : (deadlineNanos - System.nanoTime() + 999_999) / 1_000_000 + 1;
                long waitMs = Math.max(1, Math.min(retryAfterSecs * 1000, untilEndMs));
                vertx.setTimer(waitMs, t -> next(a.client));
                return;
            }
            next(a.client);
        }

        void failed(Attempt a, String cause) {
            if (a.done) {
                return;
            }
            end(a);
            ClassStats st = a.stats;
            st.errors++;
            if (st.errorTypes.containsKey(cause) || st.errorTypes.size() < MAX_ERROR_TYPES) {
                st.errorTypes.merge(cause, 1L, Long::sum);
            } else {
                st.errorTypes.merge("other", 1L, Long::sum);
            }
            // a failure can be immediate (pool queue full, refused): go round the event loop, not the stack
            context.runOnContext(v -> next(a.client));
        }

        private void end(Attempt a) {
            a.done = true;
            vertx.cancelTimer(a.timer);
            finished.increment();
            lastNanos = System.nanoTime();
        }
    }

    static String classify(Throwable t) {
        if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
            return "timeout";
        }
        if (t instanceof ConnectException || t.getCause() instanceof ConnectException) {
            return "connect";
        }
        String name = t.getClass().getSimpleName();
        String msg = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (name.equals("HttpClosedException") || msg.contains("closed")) {
            return "closed";
        }
        if (msg.contains("wait queue")) {
            return "pool_queue_full";
        }
        if (msg.contains("reset")) {
            return "reset";
        }
        return name.isEmpty() ? "error" : name;
    }

    // ---------------------------------------------------------------- report

    private LoadReport report(Instant startedAt, Duration elapsed, List<Worker> workers, List<Client> clients) {
        double seconds = elapsed.toNanos() / 1e9;
        Map<ClientClass, Integer> counts = new EnumMap<>(ClientClass.class);
        for (Client c : clients) {
            counts.merge(c.cls, 1, Integer::sum);
        }
        Map<ClientClass, ClassReport> per = new LinkedHashMap<>();
        ClassStats total = new ClassStats();
        for (ClientClass c : ClientClass.values()) {
            if (!counts.containsKey(c)) {
                continue;
            }
            ClassStats merged = new ClassStats();
            for (Worker w : workers) {
                add(merged, requireNonNull(w.stats.get(c))); // one per class (constructor)
            }
            add(total, merged);
            per.put(c, toReport(c.wireName(), counts.get(c), merged, seconds));
        }
        return new LoadReport(startedAt, elapsed, options, per, toReport("total", clients.size(), total, seconds));
    }

    private static void add(ClassStats into, ClassStats s) {
        into.latency.add(s.latency);
        into.sent += s.sent;
        into.ok += s.ok;
        into.throttled += s.throttled;
        into.otherStatus += s.otherStatus;
        into.serverErrors += s.serverErrors;
        into.errors += s.errors;
        s.errorTypes.forEach((k, v) -> into.errorTypes.merge(k, v, Long::sum));
        s.retryAfter.forEach((k, v) -> into.retryAfter.merge(k, v, Long::sum));
    }

    private static ClassReport toReport(String name, int clients, ClassStats s, double seconds) {
        Histogram h = s.latency;
        boolean any = h.getTotalCount() > 0;
        return new ClassReport(name, clients, s.sent, s.ok, s.throttled, s.otherStatus, s.serverErrors, s.errors,
                seconds > 0 ? s.sent / seconds : 0,
                any ? h.getValueAtPercentile(50) : 0, any ? h.getValueAtPercentile(90) : 0,
                any ? h.getValueAtPercentile(99) : 0, any ? h.getMaxValue() : 0, any ? h.getMean() : 0,
                s.errorTypes, s.retryAfter);
    }
}
