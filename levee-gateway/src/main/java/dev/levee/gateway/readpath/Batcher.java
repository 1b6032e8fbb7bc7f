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
package dev.levee.gateway.readpath;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.levee.core.time.Scheduler;
import dev.levee.gateway.config.RouteConfig;
import dev.levee.gateway.http.HttpError;
import dev.levee.gateway.http.JsonResponses;
import dev.levee.gateway.upstream.UpstreamFetcher;
import dev.levee.gateway.upstream.UpstreamRequest;
import dev.levee.gateway.upstream.UpstreamResponse;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Request batching for a route with {@code batch: { param, max, window, split-by }}: concurrent requests for
 * different values of {@code param} that otherwise share a key (path, other query parameters, vary headers,
 * identity) become one upstream call with the parameter repeated ({@code ?fixture_id=1&fixture_id=2}). The JSON
 * answer is split back per value by {@code split-by} ({@code data[].fixture_id}: the array at {@code data}, matched
 * on each element's {@code fixture_id}); each caller receives the top-level object with only its elements.
 *
 * <p>Rules: a batch is sent when it holds {@code max} distinct values or when {@code window} has passed since its
 * first request, so no request waits longer than the window to be sent. A value with no element in the answer
 * fails explicitly (502). A non-2xx answer goes unchanged to every caller of the batch. Requests with no or several
 * values of {@code param} are not batched. Batching sits below the coalescer, so a value is in at most one
 * pending batch per key group at a time; duplicates (coalescing off) share the value's slice. It also sits below
 * the hot-spot window and the breaker: each request's load has spent its own key's slot and is its own breaker
 * call before it joins a batch.
 *
 * <p>Bounds: a batch holds at most {@code max} distinct values; pending batches exist only for requests in flight,
 * which admission and the coalescer's waiter bounds limit.
 */
final class Batcher {
    private final RouteConfig.Batch config;
    private final Scheduler scheduler;
    private final Supplier<UpstreamFetcher> next;
    private final String arrayPath;
    private final String field;
    private final Map<String, Pending> open = new HashMap<>();

    private static final class Pending {
        final String group;
        final UpstreamRequest template;
        final Map<String, List<Promise<UpstreamResponse>>> byValue = new LinkedHashMap<>();
        Scheduler.Cancellable timer;
        boolean sent;

        Pending(String group, UpstreamRequest template) {
            this.group = group;
            this.template = template;
        }
    }

    Batcher(RouteConfig.Batch config, Scheduler scheduler, Supplier<UpstreamFetcher> next) {
        this.config = config;
        this.scheduler = scheduler;
        this.next = next;
        String split = config.splitBy();
        int brackets = split.indexOf("[].");
        if (brackets <= 0 || brackets + 3 >= split.length()) {
            throw new IllegalArgumentException("split-by: '" + split + "' (expected: ARRAY_PATH[].FIELD, such as data[].fixture_id)");
        }
        this.arrayPath = split.substring(0, brackets);
        this.field = split.substring(brackets + 3);
    }

    String param() {
        return config.param();
    }

    /** Adds one request (for {@code value} of the batch parameter) to the open batch of {@code group}. */
    Future<UpstreamResponse> fetch(UpstreamRequest request, String group, String value) {
        Promise<UpstreamResponse> promise = Promise.promise();
        Pending full = null;
        synchronized (open) {
            Pending p = open.get(group);
            if (p == null) {
                Pending created = new Pending(group, request);
                open.put(group, created);
                try {
                    created.timer = scheduler.schedule(() -> flushIfOpen(created), config.window().toNanos(),
                            TimeUnit.NANOSECONDS);
                } catch (RuntimeException e) {
                    // without a window timer the batch would wait for `max` keys forever: send it at once
                    created.timer = () -> false;
                    open.remove(group);
                    created.sent = true;
                    full = created;
                }
                p = created;
            }
            p.byValue.computeIfAbsent(value, v -> new ArrayList<>(1)).add(promise);
            if (!p.sent && p.byValue.size() >= config.max()) {
                open.remove(group);
                p.sent = true;
                full = p;
            }
        }
        if (full != null) {
            full.timer.cancel();
            send(full);
        }
        return promise.future();
    }

    private void flushIfOpen(Pending p) {
        synchronized (open) {
            if (p.sent) {
                return;
            }
            p.sent = true;
            open.remove(p.group, p);
        }
        send(p);
    }

    private void send(Pending p) {
        String uri = batchUri(p.template.uri(), p.byValue.keySet());
        UpstreamRequest merged = new UpstreamRequest(HttpMethod.GET, uri, p.template.headers(), null);
        Future<UpstreamResponse> answer;
        try {
            answer = next.get().fetch(merged);
        } catch (RuntimeException e) {
            answer = Future.failedFuture(e);
        }
        answer.onComplete(ar -> {
            if (ar.failed()) {
                p.byValue.values().forEach(list -> list.forEach(pr -> pr.tryFail(ar.cause())));
                return;
            }
            UpstreamResponse resp = ar.result();
            if (resp.status() < 200 || resp.status() > 299) {
                p.byValue.values().forEach(list -> list.forEach(pr -> pr.tryComplete(resp)));
                return;
            }
            try {
                split(resp, p);
            } catch (RuntimeException e) {
                // every promise must complete, or the coalescer flights above them would never end
                HttpError err = HttpError.of(502, "Upstream batch response cannot be split")
                        .with("split_by", config.splitBy());
                p.byValue.values().forEach(list -> list.forEach(pr -> pr.tryFail(err)));
            }
        });
    }

    private String batchUri(String templateUri, Iterable<String> values) {
        int q = templateUri.indexOf('?');
        String path = q < 0 ? templateUri : templateUri.substring(0, q);
        String rest = CacheKeys.normalizedQuery(templateUri, config.param());
        StringBuilder sb = new StringBuilder(path).append('?').append(rest);
        for (String v : values) {
            if (sb.charAt(sb.length() - 1) != '?') {
                sb.append('&');
            }
            sb.append(CacheKeys.encode(config.param())).append('=').append(CacheKeys.encode(v));
        }
        return sb.toString();
    }

    private void split(UpstreamResponse resp, Pending p) {
        JsonNode root;
        try {
            root = JsonResponses.MAPPER.readTree(resp.body().getBytes());
        } catch (Exception e) {
            root = null;
        }
        JsonNode array = root == null ? null : root.at("/" + arrayPath.replace('.', '/'));
        if (!(root instanceof ObjectNode) || array == null || !array.isArray()) {
            HttpError err = HttpError.of(502, "Upstream batch response cannot be split")
                    .with("split_by", config.splitBy());
            p.byValue.values().forEach(list -> list.forEach(pr -> pr.tryFail(err)));
            return;
        }
        Map<String, ArrayNode> slices = new HashMap<>();
        for (JsonNode element : array) {
            JsonNode k = element.get(field);
            if (k != null && !k.isNull() && p.byValue.containsKey(k.asText())) {
                slices.computeIfAbsent(k.asText(), x -> JsonResponses.MAPPER.createArrayNode()).add(element);
            }
        }
        ObjectNode template = (ObjectNode) root;
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(resp.headers());
        headers.remove("Content-Length");
        p.byValue.forEach((value, promises) -> {
            ArrayNode slice = slices.get(value);
            if (slice == null) {
                HttpError err = HttpError.of(502, "Upstream batch response has no entry for the key")
                        .with(config.param(), value);
                promises.forEach(pr -> pr.tryFail(err));
                return;
            }
            ObjectNode copy = template.deepCopy();
            setAt(copy, arrayPath, slice);
            Buffer body = JsonResponses.toBuffer(copy);
            UpstreamResponse mine = new UpstreamResponse(resp.status(), headers, body);
            promises.forEach(pr -> pr.tryComplete(mine));
        });
    }

    private static void setAt(ObjectNode root, String path, ArrayNode value) {
        String[] parts = path.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            node = (ObjectNode) node.get(parts[i]);
        }
        node.set(parts[parts.length - 1], value);
    }
}
