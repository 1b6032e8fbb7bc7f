package dev.levee.core.breaker;

import dev.levee.core.time.Ticker;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * A circuit breaker in front of an upstream, on Resilience4j, reading time from our {@link Ticker}.
 * <ul>
 *   <li>records one outcome per call made through {@link #execute} (put it under the coalescer: one upstream
 *       call, one outcome, however many callers share it);</li>
 *   <li>opens when, over a count-based window of {@code windowSize} calls (at least {@code minimumCalls}), the
 *       failure rate or the slow-call rate reaches its threshold;</li>
 *   <li>a {@link Verdict.Kind#RATE_LIMITED} answer (an upstream 429) opens it for that answer's Retry-After;</li>
 *   <li>while open, calls fail at once with {@link BreakerOpenException} carrying the time left;</li>
 *   <li>after the open time, exactly {@code halfOpenProbes} calls pass; if their failure and slow rates are below
 *       the thresholds it closes, otherwise it opens again.</li>
 * </ul>
 */
public interface UpstreamBreaker {

    /**
     * Runs {@code call} if the breaker permits, and records its outcome: an exception or failed stage is a failure,
     * otherwise {@code classify} decides. The returned future carries the call's own result or error unchanged (a
     * {@code FAILURE} verdict still hands the answer back); a refused call fails with {@link BreakerOpenException}.
     */
    <T> CompletableFuture<T> execute(Supplier<? extends CompletionStage<T>> call,
                                     Function<? super T, Verdict> classify);

    BreakerState state();

    BreakerStats stats();

    String name();

    static Builder builder(String name) {
        return new Builder(name);
    }

    final class Builder {
        final String name;
        Ticker ticker = Ticker.system();
        int failureRateThreshold = 50;
        int slowCallRateThreshold = 80;
        Duration slowCallDuration = Duration.ofSeconds(2);
        int minimumCalls = 20;
        int windowSize = 100;
        Duration openFor = Duration.ofSeconds(10);
        int halfOpenProbes = 3;

        private Builder(String name) {
            this.name = requireNonNull(name, "name");
        }

        public Builder ticker(Ticker ticker) {
            this.ticker = requireNonNull(ticker, "ticker");
            return this;
        }

        public Builder failureRateThreshold(int percent) {
            this.failureRateThreshold = percent(percent, "failureRateThreshold");
            return this;
        }

        public Builder slowCallRateThreshold(int percent) {
            this.slowCallRateThreshold = percent(percent, "slowCallRateThreshold");
            return this;
        }

        public Builder slowCallDuration(Duration d) {
            this.slowCallDuration = positive(d, "slowCallDuration");
            return this;
        }

        public Builder minimumCalls(int n) {
            this.minimumCalls = positive(n, "minimumCalls");
            return this;
        }

        public Builder windowSize(int n) {
            this.windowSize = positive(n, "windowSize");
            return this;
        }

        public Builder openFor(Duration d) {
            this.openFor = positive(d, "openFor");
            return this;
        }

        public Builder halfOpenProbes(int n) {
            this.halfOpenProbes = positive(n, "halfOpenProbes");
            return this;
        }

        public UpstreamBreaker build() {
            return new Resilience4jBreaker(this);
        }

        private static int percent(int v, String key) {
            if (v < 1 || v > 100) {
                throw new IllegalArgumentException(key + ": " + v + " (expected: 1..100)");
            }
            return v;
        }

        private static int positive(int v, String key) {
            if (v <= 0) {
                throw new IllegalArgumentException(key + ": " + v + " (expected: > 0)");
            }
            return v;
        }

        private static Duration positive(Duration d, String key) {
            requireNonNull(d, key);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(key + ": " + d + " (expected: > 0)");
            }
            return d;
        }
    }
}
