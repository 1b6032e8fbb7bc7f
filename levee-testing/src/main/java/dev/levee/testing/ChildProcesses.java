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
package dev.levee.testing;

import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The child-process chores {@link RedisProcess} and {@link RedisSentinel} share: wait for a log line, stop. */
final class ChildProcesses {
    private ChildProcesses() {}

    /**
     * Waits until {@code log} holds {@code ready}.
     *
     * @return null once it does; else (the process exited, or {@code timeout} passed, and then it is stopped) the
     *     end of the log, for the caller's error message
     */
    @SuppressForbidden("waits for a real child process to start: real time, bounded by the timeout")
    static @Nullable String awaitLine(Process process, Path log, String ready, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (read(log).contains(ready)) {
                return null;
            }
            if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                stop(process);
                String all = read(log);
                return all.isEmpty() ? "no output" : all.substring(Math.max(0, all.length() - 2_000));
            }
            try {
                Thread.sleep(10); // polling a child process's log: no event to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while " + what + " started", e);
            }
        }
    }

    /** SIGTERM, then SIGKILL after 10 s; returns when it is gone (or 20 s passed). */
    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
