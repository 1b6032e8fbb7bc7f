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
