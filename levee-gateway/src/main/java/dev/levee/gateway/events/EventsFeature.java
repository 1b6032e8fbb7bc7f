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

import dev.levee.core.events.CircuitState;
import dev.levee.core.events.EventJournal;
import dev.levee.core.events.EventPipeline;
import dev.levee.core.events.EventQueue;
import dev.levee.core.events.EventStats;
import dev.levee.core.events.Thresholds;
import dev.levee.gateway.GatewayContext;
import dev.levee.gateway.GatewayFeature;
import dev.levee.gateway.config.EventsConfig;
import dev.levee.gateway.ops.HealthReport;
import dev.levee.gateway.ops.HealthStatus;
import dev.levee.gateway.store.EventQueues;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Event ingestion with queue-depth backpressure (capability 4): the owner of the {@link EventPipeline} (whose
 * workers POST to {@code events.sink}), its journal or Redis queue, health and shutdown. The request side,
 * {@code POST /api/v1/events} behind admission, is {@link EventIngestion}; the queue's ops view (stats, dead
 * letters, replay) is {@link EventsOps}.
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
    private final EventIngestion ingestion; // null when events are off
    private final EventsOps ops;            // null when events are off

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
            ingestion = null;
            ops = null;
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
        this.ingestion = new EventIngestion(config, pipeline);
        this.ops = new EventsOps(pipeline, vertx);
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
        ops.mount(router, adminToken, this::health);
    }

    /**
     * {@link dev.levee.gateway.chain.Stage#EVENTS}: {@code POST /api/v1/events}, or nothing when events are off.
     */
    public void mountIngestion(Router router) {
        if (pipeline != null) {
            router.post(EVENTS_PATH).handler(ingestion::ingest);
        }
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
                s.capacity(), s.aboveWarning(), EventsOps.acceptingPriorities(s), s.deadLetters(), s.accepting(), j));
    }

    @Override
    public boolean ready() {
        return pipeline == null || pipeline.state() != CircuitState.OPEN;
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
