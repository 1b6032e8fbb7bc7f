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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The access log file's rotation by size: newest copy .1, at most max-history copies, appending on reopen. */
class RotatingFileWriterTest {
    @TempDir
    Path dir;

    @Test
    void rotatesBySizeAndKeepsMaxHistoryCopies() throws Exception {
        Path log = dir.resolve("logs/access.log"); // the directory is created
        try (RotatingFileWriter w = new RotatingFileWriter(log, 10, 2)) {
            w.append("line-0001\n"); // 10 bytes: fits
            w.append("line-0002\n"); // would pass 10: rotated first
            w.append("line-0003\n");
            w.append("line-0004\n");
            w.flush();
        }
        assertThat(Files.readString(log)).isEqualTo("line-0004\n");
        assertThat(Files.readString(dir.resolve("logs/access.log.1"))).isEqualTo("line-0003\n");
        assertThat(Files.readString(dir.resolve("logs/access.log.2"))).isEqualTo("line-0002\n");
        assertThat(dir.resolve("logs/access.log.3")).doesNotExist(); // line-0001 aged out
    }

    @Test
    void appendsToAnExistingFileAndCountsItsSize() throws Exception {
        Path log = dir.resolve("access.log");
        Files.writeString(log, "old-line\n");
        try (RotatingFileWriter w = new RotatingFileWriter(log, 12, 1)) {
            w.append("new\n"); // 9 + 4 > 12: the old file is rotated
        }
        assertThat(Files.readString(log)).isEqualTo("new\n");
        assertThat(Files.readString(dir.resolve("access.log.1"))).isEqualTo("old-line\n");
    }

    @Test
    void aLineLargerThanTheLimitStillGetsWritten() throws Exception {
        Path log = dir.resolve("access.log");
        try (RotatingFileWriter w = new RotatingFileWriter(log, 4, 1)) {
            w.append("a-long-line\n");
        }
        assertThat(Files.readString(log)).isEqualTo("a-long-line\n");
    }
}
