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

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The access log's file: appends to {@code path}; once a write would take it past {@code maxBytes} it is moved
 * to {@code path.1} (older copies shift to {@code .2} .. {@code .history}, the oldest is deleted) and a new file
 * starts. Used by the writer thread only.
 *
 * <p>Why not logback's rolling appender: the gateway is a library too and leaves the logging backend to whoever
 * embeds it (it depends on slf4j-api only); this is the one rotation the access log needs, by size.
 */
final class RotatingFileWriter extends Writer {
    private final Path path;
    private final long maxBytes;
    private final int history;
    private Writer out;
    private long size;

    RotatingFileWriter(Path path, long maxBytes, int history) {
        this.path = path.toAbsolutePath();
        this.maxBytes = maxBytes;
        this.history = history;
    }

    @Override
    public void write(char[] buf, int off, int len) throws IOException {
        write(new String(buf, off, len));
    }

    @Override
    public void write(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (out == null) {
            open();
        }
        if (size > 0 && size + bytes.length > maxBytes) {
            rotate();
        }
        out.write(text);
        size += bytes.length;
    }

    @Override
    public Writer append(CharSequence text) throws IOException {
        write(text.toString());
        return this;
    }

    private void open() throws IOException {
        Path dir = path.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        size = Files.size(path);
    }

    private void rotate() throws IOException {
        out.close();
        out = null;
        Files.deleteIfExists(rotated(history));
        for (int i = history - 1; i >= 1; i--) {
            Path from = rotated(i);
            if (Files.exists(from)) {
                Files.move(from, rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(path, rotated(1), StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    private Path rotated(int n) {
        return path.resolveSibling(path.getFileName() + "." + n);
    }

    @Override
    public void flush() throws IOException {
        if (out != null) {
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }
}
