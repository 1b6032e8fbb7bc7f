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

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.levee.gateway.config.AccessLogConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The access log's writer: a bounded queue drained by one daemon thread, which formats the lines as JSON and
 * writes them in batches (one flush per batch) to stdout or a {@link RotatingFileWriter}.
 *
 * <p>Implementation notes: {@link #offer} never blocks (a full queue drops the line and counts it in
 * {@code levee_access_log_dropped_total}): a slow disk or a stuck stdout pipe must cost log lines, never
 * latency. An I/O error is logged once per run of failures and the lines are counted as dropped.
 */
final class AccessLogWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AccessLogWriter.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final AccessLine STOP = new AccessLine(0, null, null, null, null, null, null, false, 0, 0, 0, 0,
            null, null, null, null, 0, null, null);
    private static final int BATCH = 256;

    private final List<String> fields;
    private final BlockingQueue<AccessLine> queue;
    private final Writer out;
    private final Counter dropped;
    private final Counter written;
    private final Thread thread;
    private volatile boolean closed;
    private boolean failing; // writer thread only

    AccessLogWriter(AccessLogConfig config, MeterRegistry registry, Writer out) {
        this.fields = config.fields();
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.out = out;
        this.dropped = Counter.builder("levee.access.log.dropped")
                .description("Access-log lines dropped: the writer's queue was full, or writing failed")
                .register(registry);
        this.written = Counter.builder("levee.access.log.written")
                .description("Access-log lines written").register(registry);
        this.thread = new Thread(this::run, "levee-access-log");
        thread.setDaemon(true); // a line still queued at a hard exit is not worth holding the JVM for
        thread.start();
    }

    static AccessLogWriter start(AccessLogConfig config, MeterRegistry registry) {
        Writer out = config.toFile()
                ? new RotatingFileWriter(Path.of(config.path()), config.maxFileSize().bytes(), config.maxHistory())
                : new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        return new AccessLogWriter(config, registry, out);
    }

    /** Queues {@code line}; drops it (counted) when the queue is full or the writer closed. Never blocks. */
    void offer(AccessLine line) {
        if (closed || !queue.offer(line)) {
            dropped.increment();
        }
    }

    long dropped() {
        return (long) dropped.count();
    }

    @SuppressWarnings("ReferenceEquality") // STOP is the one sentinel instance; an equal line is not it
    private void run() {
        List<AccessLine> batch = new ArrayList<>(BATCH);
        StringBuilder text = new StringBuilder(BATCH * 300);
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break; // close() waits for STOP; an interrupt is an abandoned JVM
            }
            queue.drainTo(batch, BATCH - 1);
            boolean stop = false;
            int lines = 0;
            text.setLength(0);
            for (AccessLine line : batch) {
                if (line == STOP) {
                    stop = true;
                } else {
                    format(line, text);
                    lines++;
                }
            }
            batch.clear();
            write(text, lines);
            if (stop) {
                break;
            }
        }
        try {
            out.close();
        } catch (IOException e) {
            log.warn("access log: closing failed", e);
        }
    }

    private void write(StringBuilder text, int lines) {
        if (lines == 0) {
            return;
        }
        try {
            out.append(text);
            out.flush();
            written.increment(lines);
            if (failing) {
                log.info("access log: writing again");
                failing = false;
            }
        } catch (IOException e) {
            dropped.increment(lines);
            if (!failing) {
                log.warn("access log: writing failed, lines are dropped until it works again", e);
                failing = true;
            }
        }
    }

    /** Appends {@code l} as one JSON line (the writer thread's per-line cost; package-private for the benchmark). */
    void format(AccessLine l, StringBuilder text) {
        java.io.StringWriter sw = new java.io.StringWriter(300);
        try (JsonGenerator g = JSON.createGenerator(sw)) {
            g.writeStartObject();
            for (String f : fields) {
                switch (f) {
                    case "time" -> g.writeStringField("time", TIME.format(Instant.ofEpochMilli(l.epochMillis())));
                    case "request_id" -> string(g, f, l.requestId());
                    case "method" -> string(g, f, l.method());
                    case "path" -> string(g, f, l.path());
                    case "query" -> string(g, f, l.query());
                    case "route" -> string(g, f, l.route());
                    case "client_class" -> string(g, f, l.clientClass());
                    case "verified" -> g.writeBooleanField(f, l.verified());
                    case "status" -> g.writeNumberField(f, l.status());
                    case "bytes" -> g.writeNumberField(f, l.bytes());
                    case "duration_ms" -> millis(g, f, l.durationNanos());
                    case "admission_wait_ms" -> millis(g, f, l.admissionWaitNanos());
                    case "cache" -> string(g, f, l.cache());
                    case "hot_spot_key" -> string(g, f, l.hotSpotKey());
                    case "hot_spot_decision" -> string(g, f, l.hotSpotDecision());
                    case "upstream" -> string(g, f, l.upstream());
                    case "upstream_ms" -> millis(g, f, l.upstreamNanos());
                    case "reject_reason" -> string(g, f, l.rejectReason());
                    case "trace_id" -> string(g, f, l.traceId());
                    default -> throw new IllegalStateException("unknown access-log field " + f); // config checks
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a StringWriter does not fail
        }
        text.append(sw.getBuffer()).append('\n');
    }

    private static void string(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    /** Milliseconds with microsecond precision; a negative value (not measured) is left out. */
    private static void millis(JsonGenerator g, String field, long nanos) throws IOException {
        if (nanos >= 0) {
            g.writeNumberField(field, Math.round(nanos / 1_000.0) / 1_000.0);
        }
    }

    /** Stops taking lines, writes what is queued (waiting at most 5 s for it), stops the thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!queue.offer(STOP, 5, TimeUnit.SECONDS)) {
                thread.interrupt();
            }
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
