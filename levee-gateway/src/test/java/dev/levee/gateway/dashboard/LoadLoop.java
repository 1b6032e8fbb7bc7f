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
package dev.levee.gateway.dashboard;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Closed-loop load for the dashboard tests: {@code clients} loops, each sending its next request as soon as the
 * previous one answered (any status). Counts answers by status so a test can say what the load got.
 */
final class LoadLoop implements AutoCloseable {
    /** One request: method, path and query, headers, body (null for none). */
    record Call(HttpMethod method, String uri, Map<String, String> headers, String body) {
        static Call get(String uri) {
            return new Call(HttpMethod.GET, uri, Map.of(), null);
        }
    }

    private final HttpClient client;
    private final int port;
    private volatile boolean running = true;
    final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    final AtomicLong failures = new AtomicLong();

    LoadLoop(Vertx vertx, int port, int clients, IntFunction<Call> next) {
        this.port = port;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(clients));
        for (int i = 0; i < clients; i++) {
            int id = i;
            loop(() -> next.apply(id));
        }
    }

    private void loop(java.util.function.Supplier<Call> next) {
        if (!running) {
            return;
        }
        Call c = next.get();
        client.request(c.method(), port, "127.0.0.1", c.uri())
                .compose(req -> {
                    c.headers().forEach(req::putHeader);
                    return (c.body() == null ? req.send() : req.send(c.body()))
                            .compose(resp -> resp.body().map(b -> resp.statusCode()));
                })
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        statuses.computeIfAbsent(ar.result(), k -> new AtomicLong()).incrementAndGet();
                    } else {
                        failures.incrementAndGet();
                    }
                    loop(next);
                });
    }

    long count(int status) {
        AtomicLong n = statuses.get(status);
        return n == null ? 0 : n.get();
    }

    @Override
    public String toString() {
        return "statuses " + statuses + ", failures " + failures;
    }

    @Override
    public void close() {
        running = false;
        client.close();
    }
}
