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
import dev.levee.core.events.EventPipeline;
import dev.levee.core.events.EventRejectedException;
import dev.levee.gateway.config.EventsConfig;
import dev.levee.gateway.http.Bodies;
import dev.levee.gateway.http.HttpError;
import dev.levee.gateway.http.JsonBodies;
import dev.levee.gateway.http.JsonResponses;
import dev.levee.gateway.http.ErrorMapper;
import dev.levee.gateway.chain.EventLoop;
import dev.levee.gateway.chain.RequestState;
import dev.levee.redis.events.EventNotDurableException;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * {@code POST /api/v1/events}: reads and validates the request (one event {@code {"type","payload"}} or a JSON array
 * of up to {@code events.max-batch}, all validated before any is submitted), submits to the {@link EventPipeline}
 * and answers 202 {@code {"accepted","ids"}} (a batch: per-event {@code results}), or the refusal as
 * {@link ErrorMapper} maps it (503 "Queue overloaded" with Retry-After). The pipeline answers with futures (a Redis
 * queue's round trip runs on its queue executor); the answer is written back on the request's event loop.
 */
final class EventIngestion {
    static final int MAX_TYPE_LENGTH = 200;

    private final EventsConfig config;
    private final EventPipeline<String> pipeline;

    EventIngestion(EventsConfig config, EventPipeline<String> pipeline) {
        this.config = config;
        this.pipeline = pipeline;
    }

    /** One parsed event of a request. */
    record Incoming(String type, String payload) {}

    void ingest(RoutingContext ctx) {
        RequestState.of(ctx).routeLabel(EventsFeature.EVENTS_PATH);
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
     * as {@link ErrorMapper} maps it: 503 with Retry-After).
     */
    private <T> void answer(RoutingContext ctx, CompletableFuture<T> submitted, Consumer<T> onSuccess) {
        EventLoop.resume(submitted).onComplete(ar -> {
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
        return ErrorMapper.toHttpError(e);
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
            JsonResponses.send(ctx, ErrorMapper.toHttpError(soonest).with("accepted", 0).with("rejected", rejected)
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
}
