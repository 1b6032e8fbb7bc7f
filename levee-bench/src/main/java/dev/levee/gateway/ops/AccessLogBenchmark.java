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
package dev.levee.gateway.ops;

import dev.levee.gateway.config.AccessLogConfig;
import dev.levee.gateway.config.ByteSize;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.Writer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the access log costs a request on its event loop: capturing the line (one record of the request's
 * state) and offering it to the writer's bounded queue. The writer thread formats every line as JSON and
 * writes it to a discarding writer, so the queue drains as it would into stdout; lines it could not keep up
 * with are dropped (never waited for), and the tear-down prints how many, so a result says both the cost and
 * whether the writer kept up at that rate. (In this package for the package-private writer.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AccessLogBenchmark {
    private AccessLogWriter writer;
    private long n;

    @Setup(Level.Trial)
    public void setup() {
        AccessLogConfig config = new AccessLogConfig(true, "stdout", "unused", new ByteSize(1 << 20), 1, List.of(),
                1.0, false, 8192);
        writer = new AccessLogWriter(config, new SimpleMeterRegistry(), Writer.nullWriter());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        writer.close();
        System.out.println("\naccess lines offered " + n + ", dropped " + writer.dropped());
    }

    private final StringBuilder text = new StringBuilder(512);

    private AccessLine line(long i) {
        return new AccessLine(1_764_770_000_000L + i, "9c4c29b87b10cd4805a4d7251380d30f", "GET",
                "/api/v3/fixtures/odds", null, "/api/v3/fixtures/odds", "browser", false, 200, 1234,
                1_234_567, 12_345, "MISS", "fixture-42", "allowed", "10.0.0.7:9000", 1_100_000, null,
                "4bf92f3577b34da6a3ce929d0e0e4736");
    }

    /**
     * The event loop's part of one request's access line. Offered as fast as one thread can, the queue is full
     * most of the time, so this is mostly the cost of a drop; see {@link #writerFormatsOneLine} for the rate the
     * writer sustains.
     */
    @Benchmark
    public void captureAndOffer() {
        writer.offer(line(++n));
    }

    /** The writer thread's cost per line (JSON formatting); its inverse is the line rate written without drops. */
    @Benchmark
    public int writerFormatsOneLine() {
        text.setLength(0);
        writer.format(line(++n), text);
        return text.length();
    }
}
