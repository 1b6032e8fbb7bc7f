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
package dev.levee.loadtest;

import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * How an {@link UpstreamSimulator} behaves. Build with {@link #builder()}; every value is checked here, with the bad
 * value in the message.
 *
 * @param host            interface to bind
 * @param port            port to bind, 0 for any free port (see {@link UpstreamSimulator#port()})
 * @param ingestPort      an extra port that serves the same endpoints (the event sink's usual 9100), -1 for none
 * @param fixtures        how many fixtures the feed lists (ids 1..fixtures)
 * @param seed            seed for fixtures, odds, errors and jitter
 * @param latency         base delay of every feed response
 * @param jitter          each response is delayed by {@code latency ± jitter} (uniform, never below zero)
 * @param errorRate       fraction of admitted odds calls answered 500 (they still count against the quota)
 * @param quotaLimit      odds calls allowed per fixture per {@code quotaWindow}; 0 disables the quota
 * @param quotaWindow     the quota's exact sliding window
 * @param ingestLatency   delay of every {@code POST /ingest} answer
 * @param ingestFailureRate fraction of ingest requests answered 500 (their events are not counted as received)
 * @param maxIdsPerRequest most {@code fixture_id} parameters one odds request may carry (more gets 400)
 * @param maxBodyBytes    largest ingest body accepted (more gets 413)
 * @param instances       server instances (one event loop each) sharing the port
 * @param baseTime        "now" for the fixtures' start times; null means the time of start
 * @param nanoClock       monotonic nanoseconds for the quota windows (tests inject time here)
 */
public record SimulatorOptions(String host, int port, int ingestPort, int fixtures, long seed,
                               Duration latency, Duration jitter, double errorRate,
                               int quotaLimit, Duration quotaWindow,
                               Duration ingestLatency, double ingestFailureRate,
                               int maxIdsPerRequest, int maxBodyBytes, int instances,
                               @Nullable Instant baseTime, LongSupplier nanoClock) {

    /** Quota timestamps held at most (fixtures x limit): 160 MB of longs. */
    public static final long MAX_QUOTA_SLOTS = 20_000_000;

    public SimulatorOptions {
        requireNonNull(host, "host");
        checkPort("port", port, 0);
        checkPort("ingestPort", ingestPort, -1);
        if (fixtures < 1 || fixtures > 1_000_000) {
            throw new IllegalArgumentException("fixtures: " + fixtures + " (expected: 1..1000000)");
        }
        checkNonNegative("latency", latency);
        checkNonNegative("jitter", jitter);
        checkNonNegative("ingestLatency", ingestLatency);
        checkRate("errorRate", errorRate);
        checkRate("ingestFailureRate", ingestFailureRate);
        if (quotaLimit < 0) {
            throw new IllegalArgumentException("quotaLimit: " + quotaLimit + " (expected: >= 0, 0 = no quota)");
        }
        if (quotaLimit > 100_000) {
            throw new IllegalArgumentException("quotaLimit: " + quotaLimit + " (expected: <= 100000)");
        }
        if ((long) fixtures * quotaLimit > MAX_QUOTA_SLOTS) {
            throw new IllegalArgumentException("fixtures x quotaLimit: " + fixtures + " x " + quotaLimit
                    + " (expected: <= " + MAX_QUOTA_SLOTS + ", each slot is a timestamp held in memory)");
        }
        requireNonNull(quotaWindow, "quotaWindow");
        if (quotaWindow.isNegative() || quotaWindow.isZero()) {
            throw new IllegalArgumentException("quotaWindow: " + quotaWindow + " (expected: > 0)");
        }
        if (maxIdsPerRequest < 1) {
            throw new IllegalArgumentException("maxIdsPerRequest: " + maxIdsPerRequest + " (expected: > 0)");
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: > 0)");
        }
        if (instances < 1 || instances > 64) {
            throw new IllegalArgumentException("instances: " + instances + " (expected: 1..64)");
        }
        requireNonNull(nanoClock, "nanoClock");
    }

    private static void checkPort(String name, int port, int min) {
        if (port < min || port > 65535) {
            throw new IllegalArgumentException(name + ": " + port + " (expected: " + min + "..65535)");
        }
    }

    private static void checkNonNegative(String name, Duration d) {
        requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: >= 0)");
        }
    }

    private static void checkRate(String name, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(name + ": " + rate + " (expected: 0..1)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().host(host).port(port).ingestPort(ingestPort).fixtures(fixtures).seed(seed)
                .latency(latency).jitter(jitter).errorRate(errorRate).quota(quotaLimit, quotaWindow)
                .ingestLatency(ingestLatency).ingestFailureRate(ingestFailureRate)
                .maxIdsPerRequest(maxIdsPerRequest).maxBodyBytes(maxBodyBytes).instances(instances)
                .baseTime(baseTime).nanoClock(nanoClock);
    }

    /** Defaults: 127.0.0.1, any port, 200 fixtures, seed 42, 20 ms ± 10 ms, no errors, 50 calls per fixture per 60 s. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 0;
        private int ingestPort = -1;
        private int fixtures = 200;
        private long seed = 42;
        private Duration latency = Duration.ofMillis(20);
        private Duration jitter = Duration.ofMillis(10);
        private double errorRate = 0;
        private int quotaLimit = 50;
        private Duration quotaWindow = Duration.ofSeconds(60);
        private Duration ingestLatency = Duration.ZERO;
        private double ingestFailureRate = 0;
        private int maxIdsPerRequest = 100;
        private int maxBodyBytes = 1 << 20;
        private int instances = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private @Nullable Instant baseTime;
        private LongSupplier nanoClock = System::nanoTime;

        @SuppressForbidden("nanoClock's default: the simulator runs in real time unless a test injects a clock")
        private Builder() {}

        public Builder host(String host) { this.host = host; return this; }
        public Builder port(int port) { this.port = port; return this; }
        public Builder ingestPort(int ingestPort) { this.ingestPort = ingestPort; return this; }
        public Builder fixtures(int fixtures) { this.fixtures = fixtures; return this; }
        public Builder seed(long seed) { this.seed = seed; return this; }
        public Builder latency(Duration latency) { this.latency = latency; return this; }
        public Builder jitter(Duration jitter) { this.jitter = jitter; return this; }
        /** No added latency at all. */
        public Builder noLatency() { return latency(Duration.ZERO).jitter(Duration.ZERO); }
        public Builder errorRate(double errorRate) { this.errorRate = errorRate; return this; }
        public Builder quota(int limit, Duration window) { this.quotaLimit = limit; this.quotaWindow = window; return this; }
        public Builder ingestLatency(Duration ingestLatency) { this.ingestLatency = ingestLatency; return this; }
        public Builder ingestFailureRate(double rate) { this.ingestFailureRate = rate; return this; }
        public Builder maxIdsPerRequest(int max) { this.maxIdsPerRequest = max; return this; }
        public Builder maxBodyBytes(int max) { this.maxBodyBytes = max; return this; }
        public Builder instances(int instances) { this.instances = instances; return this; }
        public Builder baseTime(@Nullable Instant baseTime) { this.baseTime = baseTime; return this; }
        public Builder nanoClock(LongSupplier nanoClock) { this.nanoClock = nanoClock; return this; }

        public SimulatorOptions build() {
            return new SimulatorOptions(host, port, ingestPort, fixtures, seed, latency, jitter, errorRate,
                    quotaLimit, quotaWindow, ingestLatency, ingestFailureRate, maxIdsPerRequest, maxBodyBytes,
                    instances, baseTime, nanoClock);
        }
    }
}
