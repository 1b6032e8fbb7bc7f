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
package dev.levee.core.events;

import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static dev.levee.core.internal.Arguments.atLeast;
import static java.util.Objects.requireNonNull;

/**
 * A local append-only journal of accepted events, so that an event answered "accepted" survives a restart of a
 * process whose queue is in memory (like Vector's or Fluent Bit's filesystem buffers). An event is appended before
 * it is accepted and acknowledged once it is delivered or dead-lettered; {@link #open} replays what was never
 * acknowledged. Delivery across a restart is at-least-once: an event delivered just before a crash, whose
 * acknowledgement did not reach the disk, is delivered again.
 *
 * <p>On-disk format. The directory holds {@code lock} (held with {@link FileChannel#tryLock} while open, so two
 * processes never share a journal) and segments {@code segment-<16 decimal digits>.log}, numbered in write order.
 * A segment is the 4 bytes {@code LVJ1} followed by records:
 * <pre>
 *   record  = length:int32  crc:int32  body[length]       (big-endian; crc = CRC32C of body)
 *   body    = 0x01 event | 0x02 ack
 *   event   = id:str  type:str  priority:int8  createdEpochMillis:int64  payload:(int32 length, -1 = null; UTF-8)
 *   ack     = id:str
 *   str     = uint16 length, UTF-8 bytes
 * </pre>
 * Replay reads segments in order: an event record makes the event live, an ack record ends it. A record whose
 * length is out of range, which ends early, or whose CRC does not match is a torn write (the process died
 * mid-append): the rest of that segment is skipped and counted ({@link #tornBytes()}), and a torn last segment is
 * truncated to its valid prefix. Every open starts a new segment.
 *
 * <p>Compaction: a segment is deleted once it and every older segment hold no live event, i.e. segments are
 * deleted oldest first. Deleting only a prefix keeps replay correct, because an ack is always in the same or a
 * later segment than its event. The journal is bounded by {@code maxBytes}: an append that would pass it is
 * refused ({@link #append} returns false), so the caller refuses the event rather than losing it later. Acks are
 * never refused (each is a few bytes per appended event, so they cannot grow without bound).
 *
 * <p>Durability ({@link Fsync}): {@code ALWAYS} forces each append to the device before {@link #append} returns (it
 * blocks: call it off event loops); {@code BATCH} forces at most {@link #BATCH_INTERVAL_MS} ms later from a
 * background thread (a process crash loses nothing, since written data is in the OS page cache; a power loss or
 * kernel crash can lose the last second); {@code NEVER} leaves it to the OS.
 *
 * <p>Thread-safe: one lock guards the segment files and the accounting.
 */
public final class EventJournal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventJournal.class);

    /** When appended data is forced to the device. */
    public enum Fsync { ALWAYS, BATCH, NEVER }

    /** {@link Fsync#BATCH}: the longest time written data waits to be forced. */
    public static final long BATCH_INTERVAL_MS = 1_000;
    static final byte[] MAGIC = {'L', 'V', 'J', '1'};
    static final int MAX_RECORD = 16 * 1024 * 1024;
    private static final byte EVENT = 1;
    private static final byte ACK = 2;
    private static final long MIN_SEGMENT = 4 * 1024;
    private static final long MAX_SEGMENT = 64L * 1024 * 1024;

    private static final class Segment {
        final long seq;
        final Path path;
        long bytes;
        int live;

        Segment(long seq, Path path, long bytes) {
            this.seq = seq;
            this.path = path;
            this.bytes = bytes;
        }
    }

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final Fsync fsync;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ReentrantLock mutex = new ReentrantLock();
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    /** Live event id -> the segment holding its event record. */
    private final Map<String, Segment> liveIn = new HashMap<>();
    private final List<Event> recovered;
    private final long tornBytes;
    private final @Nullable ScheduledExecutorService flusher; // only for Fsync.BATCH
    @SuppressWarnings("NullAway.Init") // set by openSegment, which the constructor calls
    private Segment active;
    @SuppressWarnings("NullAway.Init") // likewise
    private FileChannel channel;
    private long totalBytes;
    private boolean dirty;
    private boolean closed;

    private EventJournal(Path dir, long maxBytes, Fsync fsync) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = Math.max(MIN_SEGMENT, Math.min(MAX_SEGMENT, maxBytes / 8));
        this.fsync = fsync;
        Files.createDirectories(dir);
        this.lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            lockChannel.close();
            throw new IOException("journal directory " + dir + " is in use by another gateway");
        }
        this.lock = l;
        try {
            Replay replay = replay();
            this.recovered = replay.live;
            this.tornBytes = replay.tornBytes;
            mutex.lock();
            try {
                openSegment(segments.isEmpty() ? 1 : segments.lastKey() + 1);
                deleteAckedPrefix();
            } finally {
                mutex.unlock();
            }
        } catch (IOException | RuntimeException e) {
            releaseLock();
            throw e;
        }
        if (fsync == Fsync.BATCH) {
            flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "levee-journal-fsync");
                t.setDaemon(true);
                return t;
            });
            flusher.scheduleWithFixedDelay(this::flush, BATCH_INTERVAL_MS, BATCH_INTERVAL_MS, TimeUnit.MILLISECONDS);
        } else {
            flusher = null;
        }
    }

    /**
     * Opens (creating if needed) the journal in {@code dir} and replays it: {@link #recovered()} then lists the
     * events never acknowledged.
     *
     * @param maxBytes the bound of all segments together; appends past it are refused
     * @throws IOException when the directory cannot be used, or another process holds it
     */
    public static EventJournal open(Path dir, long maxBytes, Fsync fsync) throws IOException {
        requireNonNull(dir, "dir");
        requireNonNull(fsync, "fsync");
        return new EventJournal(dir, atLeast("maxBytes", maxBytes, MIN_SEGMENT), fsync);
    }

    /** The events appended and never acknowledged before this open, in append order. */
    public List<Event> recovered() {
        return recovered;
    }

    /** Bytes skipped at open as torn or corrupt records. */
    public long tornBytes() {
        return tornBytes;
    }

    public Path dir() {
        return dir;
    }

    public Fsync fsync() {
        return fsync;
    }

    /**
     * Appends {@code event} (durably as {@link #fsync()} says); false, and nothing written, when it would pass the
     * size bound, when the journal is closed, or when the write fails (logged).
     */
    public boolean append(Event event) {
        requireNonNull(event, "event");
        ByteBuffer record = encodeEvent(event);
        mutex.lock();
        try {
            if (closed || totalBytes + record.remaining() > maxBytes) {
                return false;
            }
            if (liveIn.containsKey(event.id())) {
                throw new IllegalStateException("event " + event.id() + " is already in the journal");
            }
            write(record);
            active.live++;
            liveIn.put(event.id(), active);
            if (fsync == Fsync.ALWAYS) {
                channel.force(false);
            }
            return true;
        } catch (IOException e) {
            log.error("event journal {}: append failed, event refused", dir, e);
            return false;
        } finally {
            mutex.unlock();
        }
    }

    /**
     * Acknowledges the event {@code id} (delivered or dead-lettered): it is not replayed, and its segment can go.
     * Unknown ids, and acks after {@link #close}, are ignored (the event is then replayed: at-least-once).
     */
    public void ack(String id) {
        requireNonNull(id, "id");
        mutex.lock();
        try {
            if (closed) {
                return;
            }
            Segment s = liveIn.remove(id);
            if (s == null) {
                return;
            }
            write(encodeAck(id));
            s.live--;
            deleteAckedPrefix();
        } catch (IOException e) {
            log.warn("event journal {}: writing the ack of {} failed (it will be delivered again after a restart)",
                    dir, id, e);
        } finally {
            mutex.unlock();
        }
    }

    /** Events appended and not acknowledged. */
    public int liveEvents() {
        mutex.lock();
        try {
            return liveIn.size();
        } finally {
            mutex.unlock();
        }
    }

    /** Bytes in all segments. */
    public long sizeBytes() {
        mutex.lock();
        try {
            return totalBytes;
        } finally {
            mutex.unlock();
        }
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Segment files on disk, the active one included. */
    int segmentCount() {
        mutex.lock();
        try {
            return segments.size();
        } finally {
            mutex.unlock();
        }
    }

    /** Forces written data to the device (the batch policy's background task; also called at close). */
    void flush() {
        FileChannel c;
        mutex.lock();
        try {
            if (closed || !dirty) {
                return;
            }
            c = channel;
            dirty = false;
        } finally {
            mutex.unlock();
        }
        try { // outside the mutex: appends (on event loops) do not wait for the device
            c.force(false);
        } catch (java.nio.channels.ClosedChannelException e) {
            // rotated or closed meanwhile: both force the segment they close
        } catch (IOException e) {
            log.warn("event journal {}: fsync failed", dir, e);
        }
    }

    /** Forces what was written (unless {@code NEVER}), closes the files and releases the directory. */
    @Override
    public void close() {
        if (flusher != null) {
            flusher.shutdownNow();
        }
        mutex.lock();
        try {
            if (closed) {
                return;
            }
            if (fsync != Fsync.NEVER && dirty) {
                channel.force(false);
            }
            closed = true;
            channel.close();
        } catch (IOException e) {
            log.warn("event journal {}: close failed", dir, e);
        } finally {
            closed = true;
            mutex.unlock();
            releaseLock();
        }
    }

    // ---- writing (under the mutex)

    private void write(ByteBuffer record) throws IOException {
        if (active.bytes + record.remaining() > segmentBytes && active.bytes > MAGIC.length) {
            rotate();
        }
        int n = record.remaining();
        while (record.hasRemaining()) {
            channel.write(record);
        }
        active.bytes += n;
        totalBytes += n;
        dirty = true;
    }

    private void rotate() throws IOException {
        if (fsync != Fsync.NEVER) {
            channel.force(false);
        }
        channel.close();
        openSegment(active.seq + 1);
        deleteAckedPrefix();
    }

    private void openSegment(long seq) throws IOException {
        Path path = dir.resolve(String.format(Locale.ROOT, "segment-%016d.log", seq));
        channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ByteBuffer magic = ByteBuffer.wrap(MAGIC);
        while (magic.hasRemaining()) {
            channel.write(magic);
        }
        if (fsync != Fsync.NEVER) {
            channel.force(false);
            syncDirectory();
        }
        active = new Segment(seq, path, MAGIC.length);
        segments.put(seq, active);
        totalBytes += MAGIC.length;
    }

    /** Makes a new file's directory entry durable (Linux allows opening a directory to force it). */
    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not supported on every platform; the segment's data is forced regardless
        }
    }

    private void deleteAckedPrefix() throws IOException {
        while (!segments.isEmpty()) {
            Segment oldest = segments.firstEntry().getValue();
            if (oldest == active || oldest.live > 0) {
                return;
            }
            Files.deleteIfExists(oldest.path);
            segments.pollFirstEntry();
            totalBytes -= oldest.bytes;
        }
    }

    private void releaseLock() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            log.warn("event journal {}: releasing the lock failed", dir, e);
        }
    }

    // ---- encoding

    static ByteBuffer encodeEvent(Event e) {
        byte[] id = e.id().getBytes(StandardCharsets.UTF_8);
        byte[] type = e.type().getBytes(StandardCharsets.UTF_8);
        byte[] payload = e.payload() == null ? null : e.payload().getBytes(StandardCharsets.UTF_8);
        checkString("id", id);
        checkString("type", type);
        int body = 1 + 2 + id.length + 2 + type.length + 1 + 8 + 4 + (payload == null ? 0 : payload.length);
        if (body > MAX_RECORD) {
            throw new IllegalArgumentException("event " + e.id() + ": " + body + " bytes (expected: <= " + MAX_RECORD
                    + ")");
        }
        ByteBuffer b = ByteBuffer.allocate(8 + body);
        b.position(8);
        b.put(EVENT).putShort((short) id.length).put(id).putShort((short) type.length).put(type)
                .put((byte) e.priority()).putLong(e.createdEpochMillis());
        if (payload == null) {
            b.putInt(-1);
        } else {
            b.putInt(payload.length).put(payload);
        }
        return seal(b, body);
    }

    static ByteBuffer encodeAck(String eventId) {
        byte[] id = eventId.getBytes(StandardCharsets.UTF_8);
        checkString("id", id);
        int body = 1 + 2 + id.length;
        ByteBuffer b = ByteBuffer.allocate(8 + body);
        b.position(8);
        b.put(ACK).putShort((short) id.length).put(id);
        return seal(b, body);
    }

    private static void checkString(String name, byte[] utf8) {
        if (utf8.length > 0xFFFF) {
            throw new IllegalArgumentException(name + ": " + utf8.length + " bytes (expected: <= 65535)");
        }
    }

    @SuppressWarnings("ByteBufferBackingArray") // b is always this class's own ByteBuffer.allocate: offset 0
    private static ByteBuffer seal(ByteBuffer b, int body) {
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 8, body);
        b.putInt(0, body).putInt(4, (int) crc.getValue());
        return b.position(0);
    }

    // ---- replay

    private record Replay(List<Event> live, long tornBytes) {}

    private Replay replay() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().matches("segment-\\d{16}\\.log")).sorted().toList();
        }
        Map<String, Event> live = new LinkedHashMap<>();
        Map<String, Segment> where = new HashMap<>();
        long torn = 0;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            String name = file.getFileName().toString();
            long seq = Long.parseLong(name.substring(8, 24));
            long size = Files.size(file);
            Segment segment = new Segment(seq, file, size);
            long valid = readSegment(file, segment, live, where);
            if (valid < size) {
                torn += size - valid;
                if (i == files.size() - 1) { // the write the process died in: keep the valid prefix
                    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        c.truncate(valid);
                    }
                    segment.bytes = valid;
                    log.warn("event journal {}: {} torn bytes at the end of {} dropped", dir, size - valid, name);
                } else {
                    log.warn("event journal {}: {} corrupt bytes in {} from offset {} skipped", dir, size - valid,
                            name, valid);
                }
            }
            segments.put(seq, segment);
            totalBytes += segment.bytes;
        }
        for (Map.Entry<String, Segment> e : where.entrySet()) {
            e.getValue().live++;
        }
        liveIn.putAll(where);
        if (!live.isEmpty() || torn > 0) {
            log.info("event journal {}: {} undelivered events recovered from {} segments", dir, live.size(),
                    files.size());
        }
        return new Replay(List.copyOf(live.values()), torn);
    }

    /** Reads one segment's records into {@code live}/{@code where}; returns the length of its valid prefix. */
    private static long readSegment(Path file, Segment segment, Map<String, Event> live, Map<String, Segment> where)
            throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 64 * 1024))) {
            byte[] magic = new byte[MAGIC.length];
            try {
                in.readFully(magic);
            } catch (EOFException e) {
                return 0;
            }
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                return 0;
            }
            long pos = MAGIC.length;
            CRC32C crc = new CRC32C();
            while (true) {
                int length;
                int expected;
                byte[] body;
                try {
                    length = in.readInt();
                    expected = in.readInt();
                    if (length < 3 || length > MAX_RECORD) {
                        return pos;
                    }
                    body = new byte[length];
                    in.readFully(body);
                } catch (EOFException e) {
                    return pos;
                }
                crc.reset();
                crc.update(body, 0, length);
                if ((int) crc.getValue() != expected) {
                    return pos;
                }
                if (!apply(ByteBuffer.wrap(body), segment, live, where)) {
                    return pos;
                }
                pos += 8 + length;
            }
        }
    }

    /** Applies one record; false when its body does not parse (treated like a CRC mismatch). */
    private static boolean apply(ByteBuffer b, Segment segment, Map<String, Event> live, Map<String, Segment> where) {
        try {
            byte kind = b.get();
            String id = string(b);
            if (kind == ACK) {
                live.remove(id);
                where.remove(id);
                return !b.hasRemaining();
            }
            if (kind != EVENT) {
                return false;
            }
            String type = string(b);
            int priority = b.get();
            long created = b.getLong();
            int n = b.getInt();
            @Nullable String payload = null;
            if (n >= 0) {
                byte[] p = new byte[n];
                b.get(p);
                payload = new String(p, StandardCharsets.UTF_8);
            } else if (n != -1) {
                return false;
            }
            if (b.hasRemaining()) {
                return false;
            }
            live.put(id, new Event(id, type, priority, payload, created));
            where.put(id, segment);
            return true;
        } catch (RuntimeException e) { // BufferUnderflow, a bad priority: a record we did not write whole
            return false;
        }
    }

    private static String string(ByteBuffer b) {
        int n = Short.toUnsignedInt(b.getShort());
        byte[] s = new byte[n];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    /** For logs and tests. */
    @Override
    public String toString() {
        return "EventJournal[" + dir + ", " + fsync + ", " + sizeBytes() + "/" + maxBytes + " bytes]";
    }

    /** For tests: the segment files, oldest first. */
    List<Path> segmentFiles() {
        mutex.lock();
        try {
            return new ArrayList<>(segments.values().stream().map(s -> s.path).toList());
        } finally {
            mutex.unlock();
        }
    }
}
