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
package dev.levee.core.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The upstream the README examples protect: a fake odds feed that counts its calls. Answers at once, or, while
 * {@link #hold()} is in effect, with futures the test completes ({@link #answerHeld(String)}), so an example can
 * show callers sharing one call in flight.
 */
final class OddsClient {
    /** An upstream HTTP answer, as far as the examples need one. */
    record Reply(int status, String body) {}

    final AtomicInteger calls = new AtomicInteger();
    private final List<CompletableFuture<String>> held = new ArrayList<>();
    private boolean holding;
    int status = 200;

    CompletableFuture<String> fetchOdds(int fixture) {
        int n = calls.incrementAndGet();
        if (holding) {
            CompletableFuture<String> f = new CompletableFuture<>();
            held.add(f);
            return f;
        }
        return CompletableFuture.completedFuture("odds of " + fixture + " #" + n);
    }

    String fetchOddsBlocking(int fixture) {
        return fetchOdds(fixture).join();
    }

    CompletableFuture<Reply> get(String path) {
        calls.incrementAndGet();
        return CompletableFuture.completedFuture(new Reply(status, path));
    }

    void hold() {
        holding = true;
    }

    void answerHeld(String value) {
        holding = false;
        held.forEach(f -> f.complete(value));
        held.clear();
    }
}
