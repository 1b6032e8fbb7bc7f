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
import dev.levee.core.events.DeadLetter;
import dev.levee.core.events.EventPipeline;
import dev.levee.core.events.EventStats;
import dev.levee.gateway.http.AdminAuth;
import dev.levee.gateway.http.Bodies;
import dev.levee.gateway.http.HttpError;
import dev.levee.gateway.http.JsonBodies;
import dev.levee.gateway.http.JsonResponses;
import dev.levee.gateway.ops.HealthReport;
import dev.levee.gateway.ops.OpsEndpoints;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;

/**
 * The event queue's ops view (ops paths bypass admission; the admin ones need
 * {@code Authorization: Bearer <admin.token>}): {@code GET /health/events}, {@code GET /api/v1/metrics/queue},
 * {@code GET /api/v1/metrics/queue/summary}; admin: {@code POST /api/v1/metrics/backpressure/reset},
 * {@code GET /api/v1/events/dead-letters}, {@code POST /api/v1/events/dead-letters/replay}. The dead-letter
 * endpoints list and replay off the event loop when {@code pipeline.blocking()} (the Redis queue).
 */
final class EventsOps {
    static final String QUEUE_PATH = "/api/v1/metrics/queue";
    static final String SUMMARY_PATH = "/api/v1/metrics/queue/summary";
    static final String RESET_PATH = "/api/v1/metrics/backpressure/reset";
    static final String DEAD_LETTERS_PATH = "/api/v1/events/dead-letters";
    static final String REPLAY_PATH = "/api/v1/events/dead-letters/replay";
    static final String HEALTH_PATH = "/health/events";
    static final int MAX_LIST = 1_000;
    private static final long ADMIN_BODY_LIMIT = 256 * 1024;

    private final EventPipeline<String> pipeline;
    private final io.vertx.core.Vertx vertx;

    EventsOps(EventPipeline<String> pipeline, io.vertx.core.Vertx vertx) {
        this.pipeline = pipeline;
        this.vertx = vertx;
    }

    void mount(Router router, String adminToken, java.util.function.Supplier<HealthReport> health) {
        AdminAuth admin = new AdminAuth(adminToken);
        router.get(HEALTH_PATH).handler(ctx -> OpsEndpoints.sendSection(ctx, health.get()));
        router.get(QUEUE_PATH).handler(ctx -> JsonResponses.send(ctx, 200, queueMetrics(pipeline.stats())));
        router.get(SUMMARY_PATH).handler(ctx -> JsonResponses.send(ctx, 200, summary(pipeline.stats())));
        router.post(RESET_PATH).handler(admin).handler(this::reset);
        router.get(DEAD_LETTERS_PATH).handler(admin).handler(this::deadLetters);
        router.post(REPLAY_PATH).handler(admin).handler(this::replay);
    }

    static String acceptingPriorities(EventStats s) {
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
}
