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
package dev.levee.gateway.upstream;

import io.micrometer.core.instrument.Counter;

import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static java.util.Objects.requireNonNull;

/**
 * One endpoint of an {@link UpstreamCluster} and what is known of it: whether the active health check passes, whether
 * passive outlier ejection holds it out (until a time of the cluster's ticker), and the requests at it now. Read and
 * written from every event loop, hence atomics; the health-check streaks are only touched by the one check of this
 * endpoint that runs at a time.
 */
final class Endpoint {
    final String url;
    /** {@code host:port}: the metrics label and the access log's upstream field. */
    final String label;
    final String host;
    final int port;
    final boolean ssl;
    /** The path prefix of {@link #url}, without a trailing slash ("" for none). */
    final String basePath;
    final String hostHeader;

    /** Passive ejections so far (the cluster counts them, see {@link OutlierDetector#failed}). */
    final LongAdder ejections = new LongAdder();
    /** The requests counter of each outcome, by {@code Outcome.ordinal()}; set by the cluster (metrics). */
    final Counter[] requests = new Counter[UpstreamCluster.Outcome.values().length];
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicBoolean ejected = new AtomicBoolean();
    private volatile long ejectedUntil; // ticker nanos; meaningful while ejected
    private volatile boolean healthy = true; // until a health check says otherwise
    private int passes; // health-check streaks (see class comment)
    private int fails;

    Endpoint(String url) {
        this.url = requireNonNull(url, "url");
        URI uri = URI.create(url);
        this.host = requireNonNull(uri.getHost(), "host");
        this.ssl = "https".equals(uri.getScheme());
        this.port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
        String p = uri.getRawPath() == null ? "" : uri.getRawPath();
        this.basePath = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        this.label = host + ":" + port;
        this.hostHeader = label;
    }

    /** Whether the balancer may pick it at ticker time {@code now}: healthy and not ejected (an ejection ends here). */
    boolean available(long now) {
        return healthy && !ejected(now);
    }

    /** Whether an ejection holds it out at {@code now}; the first call past the ejection's end lifts it. */
    boolean ejected(long now) {
        if (!ejected.get()) {
            return false;
        }
        if (now - ejectedUntil < 0) {
            return true;
        }
        if (ejected.compareAndSet(true, false)) {
            consecutiveFailures.set(0); // back on probation: the next failures count from zero
        }
        return false;
    }

    /** Nanoseconds of ejection left at {@code now}, 0 when not ejected. */
    long ejectedForNanos(long now) {
        return ejected(now) ? ejectedUntil - now : 0;
    }

    /** Ejects it until {@code until}; false if it was ejected already (the caller counts ejections). */
    boolean eject(long until) {
        ejectedUntil = until;
        return ejected.compareAndSet(false, true);
    }

    boolean healthy() {
        return healthy;
    }

    /** A request's answer was not a failure: the failure streak ends. */
    void succeeded() {
        if (consecutiveFailures.get() != 0) { // no write on the common path
            consecutiveFailures.set(0);
        }
    }

    /** A request failed (5xx, connect failure, timeout); returns the failures in a row now. */
    int failed() {
        return consecutiveFailures.incrementAndGet();
    }

    int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    /**
     * One active health check's result. {@code unhealthyThreshold} failures in a row mark it down,
     * {@code healthyThreshold} passes in a row up again; returns true if this result changed the state.
     */
    boolean checked(boolean passed, int unhealthyThreshold, int healthyThreshold) {
        if (passed) {
            fails = 0;
            passes++;
            if (!healthy && passes >= healthyThreshold) {
                healthy = true;
                return true;
            }
        } else {
            passes = 0;
            fails++;
            if (healthy && fails >= unhealthyThreshold) {
                healthy = false;
                return true;
            }
        }
        return false;
    }

    /** A request starts at this endpoint (the least-requests balancer's figure). */
    void begin() {
        active.incrementAndGet();
    }

    void end() {
        active.decrementAndGet();
    }

    int active() {
        return active.get();
    }

    @Override
    public String toString() {
        return url;
    }
}
