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
package dev.levee.gateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.levee.core.RejectedException;
import dev.levee.core.events.AcceptedEvent;
import dev.levee.core.events.CircuitState;
import dev.levee.core.events.DeadLetter;
import dev.levee.core.events.EventJournal;
import dev.levee.core.events.EventPipeline;
import dev.levee.core.events.EventQueue;
import dev.levee.core.events.EventRejectedException;
import dev.levee.core.events.EventStats;
import dev.levee.core.events.Thresholds;
import dev.levee.gateway.GatewayContext;
import dev.levee.gateway.GatewayFeature;
import dev.levee.gateway.config.EventsConfig;
import dev.levee.gateway.http.AdminAuth;
import dev.levee.gateway.http.Bodies;
import dev.levee.gateway.http.HttpError;
import dev.levee.gateway.http.JsonBodies;
import dev.levee.gateway.http.JsonResponses;
import dev.levee.gateway.http.Rejections;
import dev.levee.gateway.ops.HealthReport;
import dev.levee.gateway.ops.HealthStatus;
import dev.levee.gateway.ops.OpsEndpoints;
import dev.levee.gateway.store.EventQueues;
import dev.levee.redis.events.EventNotDurableException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Event ingestion with queue-depth backpressure (capability 4): {@code POST /api/v1/events} behind admission,
 * an {@link EventPipeline} whose workers POST to {@code events.sink}, and the queue's ops endpoints.
 *
 * <p>Endpoints (ops paths bypass admission; the admin ones need {@code Authorization: Bearer <admin.token>}):
 * <ul>
 *   <li>{@code POST /api/v1/events}: one event {@code {"type","payload"}} or a JSON array of up to
 *       {@code events.max-batch}; 202 {@code {"accepted","ids"}}, or 503 "Queue overloaded" with Retry-After;</li>
 *   <li>{@code GET /api/v1/metrics/queue}, {@code GET /api/v1/metrics/queue/summary}, {@code GET /health/events};</li>
 *   <li>admin: {@code POST /api/v1/metrics/backpressure/reset}, {@code GET /api/v1/events/dead-letters},
 *       {@code POST /api/v1/events/dead-letters/replay}.</li>
 * </ul>
 * Health: UP while the circuit is CLOSED, DEGRADED while HALF_OPEN, DOWN (and not ready) while OPEN.
 *
 * <p>Durability: with the in-memory queue and {@code events.journal.enabled} (the default) every event is written
 * to the {@link EventJournal} before it is answered 202 and acknowledged there once delivered or dead-lettered; a
 * gateway started on the same directory delivers what the previous one did not (at-least-once). A full journal
 * refuses new events (503 {@code journal_full}). With {@code store.type: redis} the Redis Streams queue is the
 * durable store and no journal is used.
 *
 * <p>Shutdown: at {@link #beginShutdown()}, without a journal (in memory only), new events get 503
 * {@code shutting_down}, because what arrives after SIGTERM might not be delivered in time; with a durable queue they
 * are still accepted during {@code server.drain-period}. {@link #drain()} stops accepting and lets the workers
 * deliver what is queued within {@code events.drain-grace}; what is left then is logged with its count: kept in
 * the journal (or Redis) for the next start, or lost with the process when there is neither.
 *
 * <p>The queue is the in-memory one, or with {@code store.type: redis} the Redis Streams queue shared by every
 * instance ({@link EventQueues}): its calls block, so they run on a queue executor; the pipeline runs each
 * {@code submit} there itself and answers with a future, so ingestion never blocks the event loop. The dead-letter
 * endpoints still list and replay off the event loop when {@code pipeline.blocking()}.
 */
public final class EventsFeature implements GatewayFeature {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(EventsFeature.class);
    public static final String EVENTS_PATH = "/api/v1/events";
    static final String QUEUE_PATH = "/api/v1/metrics/queue";
    static final String SUMMARY_PATH = "/api/v1/metrics/queue/summary";
    static final String RESET_PATH = "/api/v1/metrics/backpressure/reset";
    static final String DEAD_LETTERS_PATH = "/api/v1/events/dead-letters";
    static final String REPLAY_PATH = "/api/v1/events/dead-letters/replay";
    static final String HEALTH_PATH = "/health/events";
    static final int MAX_TYPE_LENGTH = 200;
    static final int MAX_LIST = 1_000;
    private static final long ADMIN_BODY_LIMIT = 256 * 1024;

    private final EventsConfig config;
    private final String adminToken;
    private final EventPipeline<String> pipeline;
    private final HttpEventSink sink;
    private final EventQueues.Shared sharedQueue; // null: the in-memory queue
    private final io.vertx.core.Vertx vertx;
    private final EventJournal journal; // null: no journal (Redis queue, disabled, or events off)
    private final ExecutorService journalExecutor; // fsync always: submits block, so queue work runs here
    @SuppressWarnings({"unused", "FieldCanBeLocal"}) // Micrometer holds meter sources weakly
    private final EventsMetrics metrics;

    public EventsFeature(GatewayContext ctx) {
        this.config = ctx.config().events();
        this.adminToken = ctx.config().admin().token();
        this.vertx = ctx.vertx();
        if (!config.enabled()) {
            pipeline = null;
            sink = null;
            sharedQueue = null;
            metrics = null;
            journal = null;
            journalExecutor = null;
            return;
        }
        this.sink = new HttpEventSink(ctx.vertx(), config);
        Thresholds thresholds = new Thresholds(config.warningThreshold(), config.criticalThreshold(),
                config.recoveryThreshold(), config.effectiveCapacity(), config.stablePeriod());
        this.sharedQueue = EventQueues.forConfig(ctx, config); // store.type redis: Redis Streams, shared
        EventPipeline.Builder<String> builder = EventPipeline.builder(sink);
        if (sharedQueue != null) {
            builder.queue(sharedQueue.queue()).queueExecutor(sharedQueue.executor());
            this.journal = null;
            this.journalExecutor = null;
        } else if (config.journal().enabled()) {
            this.journal = openJournal(config.journal());
            builder.queue(EventQueue.journaled(EventQueue.inMemory(config.effectiveCapacity(), config.agingStep(),
                    config.deadLetterCapacity(), ctx.ticker(), ctx.scheduler()), journal));
            if (journal.fsync() == EventJournal.Fsync.ALWAYS) {
                this.journalExecutor = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "levee-journal");
                    t.setDaemon(true);
                    return t;
                });
                builder.queueExecutor(journalExecutor);
            } else {
                this.journalExecutor = null;
            }
        } else {
            this.journal = null;
            this.journalExecutor = null;
        }
        this.pipeline = builder
                .thresholds(thresholds)
                .priorities(config.priorities())
                .defaultPriority(config.defaultPriority())
                .workers(config.workers())
                .maxAttempts(config.maxAttempts())
                .backoff(config.backoffBase(), config.backoffMax())
                .deliveryTimeout(config.deliveryTimeout())
                .agingStep(config.agingStep())
                .deadLetterCapacity(config.deadLetterCapacity())
                .retryAfterMax(config.retryAfterMax())
                .ticker(ctx.ticker())
                .scheduler(ctx.scheduler())
                .build();
        this.metrics = EventsMetrics.bind(ctx.registry(), pipeline, ctx.ticker());
    }

    private static EventJournal openJournal(EventsConfig.Journal c) {
        Path dir = Path.of(c.dir());
        try {
            return EventJournal.open(dir, c.maxSize().bytes(), EventJournal.Fsync.valueOf(c.fsync().name()
                    .toUpperCase(java.util.Locale.ROOT)));
        } catch (IOException | RuntimeException e) {
            throw new dev.levee.gateway.config.ConfigException("events.journal.dir: '" + c.dir()
                    + "' cannot be used (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public String name() {
        return "events";
    }

    /** The pipeline (null when {@code events.enabled} is false); for tests and the dashboard. */
    public EventPipeline<String> pipeline() {
        return pipeline;
    }

    @Override
    public void mountOps(Router router) {
        if (pipeline == null) {
            return;
        }
        AdminAuth admin = new AdminAuth(adminToken);
        router.get(HEALTH_PATH).handler(ctx -> OpsEndpoints.sendSection(ctx, health()));
        router.get(QUEUE_PATH).handler(ctx -> JsonResponses.send(ctx, 200, queueMetrics(pipeline.stats())));
        router.get(SUMMARY_PATH).handler(ctx -> JsonResponses.send(ctx, 200, summary(pipeline.stats())));
        router.post(RESET_PATH).handler(admin).handler(this::reset);
        router.get(DEAD_LETTERS_PATH).handler(admin).handler(this::deadLetters);
        router.post(REPLAY_PATH).handler(admin).handler(this::replay);
    }

    @Override
    public void mountRoutes(Router router) {
        if (pipeline != null) {
            router.post(EVENTS_PATH).handler(this::ingest);
        }
    }

    // ---- ingestion

    /** One parsed event of a request. */
    record Incoming(String type, String payload) {}

    private void ingest(RoutingContext ctx) {
        ctx.put(GatewayContext.ROUTE_LABEL, EVENTS_PATH);
        Bodies.read(ctx, config.maxBodySize().bytes()).onComplete(ar -> {
            if (ar.failed()) {
                JsonResponses.sendError(ctx, ar.cause());
                return;
            }
            JsonNode root;
            try {
                root = JsonBodies.parse(ar.result().getBytes());
            } catch (HttpError e) {
                JsonResponses.sendError(ctx, e);
                return;
            }
            accept(ctx, root); // a Redis queue's round trip runs on its queue executor: the futures say when
        });
    }

    private void accept(RoutingContext ctx, JsonNode root) {
        try {
            if (root == null || root.isMissingNode()) {
                throw HttpError.badRequest("Empty body").with("expected", "an event object or a JSON array");
            }
            if (root.isArray()) {
                answer(ctx, submitAll(parseBatch(root)), results -> sendBatchResult(ctx, results));
            } else {
                Incoming one = parse(root, -1);
                answer(ctx, pipeline.submit(one.type(), one.payload()), a ->
                        JsonResponses.send(ctx, 202, Map.of("accepted", 1, "ids", List.of(a.id()))));
            }
        } catch (HttpError e) {
            JsonResponses.sendError(ctx, e);
        }
    }

    /**
     * Answers {@code ctx} on its own context once {@code submitted} completes (with a Redis queue it completes on
     * the queue executor): {@code onSuccess}, or the error as {@link JsonResponses#sendError} renders it (a refusal
     * as {@link Rejections} maps it: 503 with Retry-After).
     */
    private <T> void answer(RoutingContext ctx, CompletableFuture<T> submitted, Consumer<T> onSuccess) {
        Future.fromCompletionStage(submitted, vertx.getOrCreateContext()).onComplete(ar -> {
            if (ar.succeeded()) {
                onSuccess.accept(ar.result());
            } else {
                JsonResponses.sendError(ctx, unwrap(ar.cause()));
            }
        });
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private List<Incoming> parseBatch(JsonNode array) {
        if (array.isEmpty()) {
            throw HttpError.badRequest("Empty batch");
        }
        if (array.size() > config.maxBatch()) {
            throw HttpError.of(413, "Too many events").with("limit", config.maxBatch()).with("count", array.size());
        }
        List<Incoming> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            out.add(parse(array.get(i), i)); // all validated before any is submitted: bad input accepts nothing
        }
        return out;
    }

    private Incoming parse(JsonNode node, int index) {
        if (!node.isObject()) {
            throw invalid(index, "expected a JSON object");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw invalid(index, "\"type\" must be a string");
        }
        String t = type.textValue();
        if (t.isBlank() || t.length() > MAX_TYPE_LENGTH) {
            throw invalid(index, "\"type\" must be 1.." + MAX_TYPE_LENGTH + " characters");
        }
        JsonNode payload = node.get("payload");
        String text = payload == null || payload.isNull() ? null : payload.toString();
        if (text != null && text.length() > config.maxEventSize().bytes()) { // chars: a close, cheap bound
            HttpError e = HttpError.of(413, "Event too large").with("limit_bytes", config.maxEventSize().bytes());
            throw index >= 0 ? e.with("index", index) : e;
        }
        return new Incoming(t, text);
    }

    private static HttpError invalid(int index, String detail) {
        HttpError e = HttpError.badRequest("Invalid event").with("detail", detail);
        return index >= 0 ? e.with("index", index) : e;
    }

    /** One event's answer in a batch: accepted, or refused. */
    record Result(AcceptedEvent accepted, EventRejectedException rejected) {}

    /**
     * Submits in order, each after the previous one is answered. An event Redis did not confirm
     * ({@code store.redis.events-wait}) ends the batch with a 503 naming the ids accepted before it (those are
     * promised) and leaving the rest untried, so a batch costs at most one wait timeout.
     */
    private CompletableFuture<List<Result>> submitAll(List<Incoming> events) {
        CompletableFuture<List<Result>> done = new CompletableFuture<>();
        submitFrom(events, 0, new ArrayList<>(events.size()), done);
        return done;
    }

    /**
     * Submits {@code events} from {@code from} on. A loop while the answers come at once (the in-memory queue), a
     * callback chain once one does not (the Redis queue): a large batch never nests a stack frame per event.
     */
    private void submitFrom(List<Incoming> events, int from, List<Result> out, CompletableFuture<List<Result>> done) {
        for (int i = from; i < events.size(); i++) {
            int index = i;
            Incoming e = events.get(i);
            CompletableFuture<AcceptedEvent> f = pipeline.submit(e.type(), e.payload());
            if (!f.isDone()) {
                f.whenComplete((a, err) -> {
                    if (record(events, index, out, a, err, done)) {
                        submitFrom(events, index + 1, out, done);
                    }
                });
                return;
            }
            if (!f.handle((a, err) -> record(events, index, out, a, err, done)).join()) {
                return;
            }
        }
        done.complete(out);
    }

    /** Adds the answer of event {@code index} to {@code out}; false (and {@code done} failed) when the batch ends. */
    private static boolean record(List<Incoming> events, int index, List<Result> out, AcceptedEvent accepted,
                                  Throwable error, CompletableFuture<List<Result>> done) {
        if (error == null) {
            out.add(new Result(accepted, null));
            return true;
        }
        Throwable cause = unwrap(error);
        if (cause instanceof EventRejectedException r) {
            out.add(new Result(null, r));
            return true;
        }
        if (cause instanceof EventNotDurableException ex) {
            List<String> ids = out.stream().filter(r -> r.accepted() != null).map(r -> r.accepted().id()).toList();
            done.completeExceptionally(notDurable(ex).with("index", index).with("accepted", ids.size())
                    .with("ids", ids).with("not_attempted", events.size() - index - 1));
        } else {
            done.completeExceptionally(cause);
        }
        return false;
    }

    /**
     * 503 for an event written to Redis but not confirmed by the replicas {@code store.redis.events-wait} asks
     * for: a 202 is a promise, and this one could be lost with the primary (it may still be delivered).
     */
    private static HttpError notDurable(EventNotDurableException e) {
        return Rejections.toHttpError(e);
    }

    /**
     * A batch: 202 when at least one event was accepted, with {@code accepted}, {@code rejected}, the accepted
     * {@code ids} and one {@code results} entry per input (in order); 503 with Retry-After (the soonest of the
     * rejected) when none was.
     */
    private static void sendBatchResult(RoutingContext ctx, List<Result> answers) {
        List<String> ids = new ArrayList<>();
        List<Map<String, Object>> results = new ArrayList<>(answers.size());
        EventRejectedException soonest = null;
        for (int i = 0; i < answers.size(); i++) {
            Result a = answers.get(i);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("index", i);
            if (a.accepted() != null) {
                r.put("priority", a.accepted().priority());
                ids.add(a.accepted().id());
                r.put("status", "accepted");
                r.put("id", a.accepted().id());
            } else {
                EventRejectedException e = a.rejected();
                r.put("priority", e.priority());
                r.put("status", "rejected");
                r.put("reason", e.reason().code());
                r.put("retry_after", RejectedException.retryAfterSeconds(e.retryAfter()));
                if (soonest == null || e.retryAfter().compareTo(soonest.retryAfter()) < 0) {
                    soonest = e;
                }
            }
            results.add(r);
        }
        int rejected = answers.size() - ids.size();
        if (ids.isEmpty()) {
            JsonResponses.sendError(ctx, Rejections.toHttpError(soonest).with("accepted", 0).with("rejected", rejected)
                    .with("results", results));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accepted", ids.size());
        body.put("rejected", rejected);
        body.put("ids", ids);
        body.put("results", results);
        JsonResponses.send(ctx, 202, body);
    }

    // ---- ops

    @Override
    public HealthReport health() {
        if (pipeline == null) {
            return HealthReport.up(new EventsViews.Disabled(false));
        }
        EventStats s = pipeline.stats();
        HealthStatus status = switch (s.state()) {
            case CLOSED -> HealthStatus.UP;
            case HALF_OPEN -> HealthStatus.DEGRADED;
            case OPEN -> HealthStatus.DOWN;
        };
        EventsViews.Journal j = journal == null ? null : new EventsViews.Journal(journal.dir().toString(),
                journal.fsync().name().toLowerCase(java.util.Locale.ROOT), journal.liveEvents(), journal.sizeBytes(),
                journal.maxBytes());
        return new HealthReport(status, new EventsViews.Health(s.state().name(), s.stateSinceEpochMillis(), s.depth(),
                s.capacity(), s.aboveWarning(), acceptingPriorities(s), s.deadLetters(), s.accepting(), j));
    }

    @Override
    public boolean ready() {
        return pipeline == null || pipeline.state() != CircuitState.OPEN;
    }

    private static String acceptingPriorities(EventStats s) {
        return switch (s.state()) {
            case CLOSED -> s.depth() >= s.thresholds().lowPriorityDropAt() ? "1-9" : "1-10";
            case HALF_OPEN -> "1-5";
            case OPEN -> "1";
        };
    }

    static EventsViews.QueueMetrics queueMetrics(EventStats s) {
        return EventsViews.QueueMetrics.of(s, acceptingPriorities(s));
    }

    static EventsViews.Summary summary(EventStats s) {
        return EventsViews.Summary.of(s, acceptingPriorities(s));
    }

    private void reset(RoutingContext ctx) {
        Bodies.read(ctx, ADMIN_BODY_LIMIT).onComplete(ar -> {
            pipeline.resetStats();
            JsonResponses.send(ctx, 200, new EventsViews.Reset(true, summary(pipeline.stats())));
        });
    }

    private void deadLetters(RoutingContext ctx) {
        int limit;
        try {
            limit = limit(ctx.request().getParam("limit"), 100);
        } catch (HttpError e) {
            JsonResponses.sendError(ctx, e);
            return;
        }
        offTheEventLoop(ctx, () -> sendDeadLetters(ctx, limit));
    }

    /**
     * Runs {@code task} (which answers {@code ctx}) on a worker when the queue blocks (Redis: a round trip that a
     * frozen Redis holds for the command timeout), else here.
     */
    private void offTheEventLoop(RoutingContext ctx, Runnable task) {
        if (pipeline.blocking()) {
            vertx.executeBlocking(() -> {
                task.run();
                return null;
            }, false).onFailure(e -> JsonResponses.sendError(ctx, e));
        } else {
            task.run();
        }
    }

    private void sendDeadLetters(RoutingContext ctx, int limit) {
        List<EventsViews.DeadLetterView> list = new ArrayList<>();
        for (DeadLetter d : pipeline.deadLetters(limit)) {
            list.add(EventsViews.DeadLetterView.of(d));
        }
        EventStats s = pipeline.stats();
        JsonResponses.send(ctx, 200, new EventsViews.DeadLetters(s.deadLetters(), list.size(),
                pipeline.totals().deadLettered(), list));
    }

    private static int limit(String raw, int dflt) {
        if (raw == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(raw.trim());
            if (n > 0 && n <= MAX_LIST) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw HttpError.badRequest("Invalid limit").with("expected", "1.." + MAX_LIST);
    }

    /** Body (optional): {@code {"ids": [...], "limit": n}}; no ids = the oldest dead letters. */
    private void replay(RoutingContext ctx) {
        Bodies.read(ctx, ADMIN_BODY_LIMIT).onComplete(ar -> {
            if (ar.failed()) {
                JsonResponses.sendError(ctx, ar.cause());
                return;
            }
            ReplayRequest req;
            try {
                req = parseReplay(ar.result());
            } catch (HttpError e) {
                JsonResponses.sendError(ctx, e);
                return;
            }
            offTheEventLoop(ctx, () -> {
                List<String> done = pipeline.replay(req.ids(), req.limit());
                JsonResponses.send(ctx, 200, new EventsViews.Replayed(done.size(), done,
                        pipeline.stats().deadLetters()));
            });
        });
    }

    private record ReplayRequest(List<String> ids, int limit) {}

    private static ReplayRequest parseReplay(Buffer body) {
        if (body.length() == 0) {
            return new ReplayRequest(null, MAX_LIST);
        }
        JsonNode root = JsonBodies.parse(body.getBytes());
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new ReplayRequest(null, MAX_LIST);
        }
        if (!root.isObject()) {
            throw HttpError.badRequest("Invalid replay request").with("expected", "{\"ids\": [...], \"limit\": n}");
        }
        int limit = MAX_LIST;
        JsonNode l = root.get("limit");
        if (l != null) {
            if (!l.canConvertToInt() || !l.isIntegralNumber() || l.intValue() <= 0 || l.intValue() > MAX_LIST) {
                throw HttpError.badRequest("Invalid limit").with("expected", "1.." + MAX_LIST);
            }
            limit = l.intValue();
        }
        List<String> ids = null;
        JsonNode idsNode = root.get("ids");
        if (idsNode != null && !idsNode.isNull()) {
            if (!idsNode.isArray() || idsNode.size() > MAX_LIST) {
                throw HttpError.badRequest("Invalid ids").with("expected", "an array of at most " + MAX_LIST + " ids");
            }
            ids = new ArrayList<>();
            for (JsonNode id : idsNode) {
                if (!id.isTextual()) {
                    throw HttpError.badRequest("Invalid ids").with("expected", "strings");
                }
                ids.add(id.textValue());
            }
        }
        return new ReplayRequest(ids, limit);
    }

    // ---- lifecycle

    /** True when accepted events outlive this process (the journal, or the Redis queue). */
    public boolean durable() {
        return journal != null || sharedQueue != null;
    }

    @Override
    public void beginShutdown() {
        if (pipeline != null && !durable()) {
            pipeline.close(); // stops accepting: new events get 503 shutting_down, deliveries go on
        }
    }

    @Override
    public Future<Void> drain() {
        if (pipeline == null) {
            return Future.succeededFuture();
        }
        return Future.fromCompletionStage(pipeline.drain(config.drainGrace())).map(left -> {
            String report = undeliveredReport(left);
            if (left > 0) {
                log.warn("events: {}", report);
            } else {
                log.info("events: {}", report);
            }
            return null;
        });
    }

    /** What becomes of {@code left} undelivered events at exit, for the shutdown log. */
    public String undeliveredReport(int left) {
        long accepted = pipeline == null ? 0 : pipeline.totals().accepted();
        if (left == 0) {
            return "every accepted event delivered or dead-lettered (" + accepted + " accepted by this process)";
        }
        String fate = journal != null ? "kept in the journal " + journal.dir() + ", delivered after the next start"
                : sharedQueue != null ? "kept in the Redis queue for the other instances"
                : "LOST: no journal (events.journal.enabled: false) and the queue is in memory";
        return left + " accepted events undelivered after drain-grace " + config.drainGrace().toMillis() + " ms ("
                + accepted + " accepted by this process); " + fate;
    }

    /** Events accepted and not yet delivered or dead-lettered (0 when events are off). */
    public int undelivered() {
        return pipeline == null ? 0 : pipeline.stats().depth();
    }

    @Override
    public void close() {
        if (pipeline != null) {
            pipeline.close();
            sink.close();
        }
        if (journal != null) {
            journal.close(); // deliveries still in flight are acknowledged no more: delivered again after a restart
        }
        if (journalExecutor != null) {
            journalExecutor.shutdown();
        }
        if (sharedQueue != null) {
            try {
                sharedQueue.closer().close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
