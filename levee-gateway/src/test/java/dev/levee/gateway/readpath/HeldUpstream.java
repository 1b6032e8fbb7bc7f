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

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local upstream for read-path tests: counts calls per URI, and either answers at once or holds requests until
 * the test releases them. The answer echoes the URI, the call number and the Authorization/Cookie headers;
 * {@code ?fail=CODE} answers with that status.
 */
final class HeldUpstream {
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final AtomicInteger total = new AtomicInteger();
    final Queue<RoutingContext> held = new ConcurrentLinkedQueue<>();
    volatile boolean hold;
    volatile int status = 200;

    void mount(Router r, String... prefixes) {
        for (String prefix : prefixes) {
            r.route(prefix + "*").handler(this::handle);
        }
    }

    private void handle(RoutingContext ctx) {
        int n = calls.computeIfAbsent(ctx.request().uri(), k -> new AtomicInteger()).incrementAndGet();
        total.incrementAndGet();
        ctx.put("n", n);
        if (hold) {
            held.add(ctx);
        } else {
            answer(ctx);
        }
    }

    int calls(String uri) {
        AtomicInteger c = calls.get(uri);
        return c == null ? 0 : c.get();
    }

    void release() {
        RoutingContext ctx;
        while ((ctx = held.poll()) != null) {
            answer(ctx);
        }
    }

    private void answer(RoutingContext ctx) {
        String fail = ctx.request().getParam("fail");
        int code = fail != null ? Integer.parseInt(fail) : status;
        JsonObject body = new JsonObject()
                .put("uri", ctx.request().uri())
                .put("n", (int) ctx.get("n"))
                .put("auth", ctx.request().getHeader("Authorization"))
                .put("cookie", ctx.request().getHeader("Cookie"))
                .put("leader_only", ctx.request().headers().names().stream()
                        .filter(h -> h.equalsIgnoreCase("Range") || h.toLowerCase().startsWith("if-")
                                || h.equalsIgnoreCase("Accept-Encoding") || h.equalsIgnoreCase("X-Forwarded-Host"))
                        .sorted().toList().toString())
                .put("method", ctx.request().method().name());
        if (ctx.request().getParam("set_cookie") != null) {
            ctx.response().putHeader("Set-Cookie", "session=" + ctx.request().getParam("set_cookie"));
        }
        ctx.response().setStatusCode(code).putHeader("Content-Type", "application/json")
                .putHeader("X-Upstream", "yes").end(body.encode());
    }
}
