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
package dev.levee.gateway.config;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The errors of one {@link ConfigLoader} load, so that a file's every mistake is reported at once rather than the
 * first alone. While a load binds the tree, a block (a config record) whose construction fails is recorded here and
 * given to its parent as null; {@link Checks} records a refused value and lets the constructor go on with it.
 *
 * <p>What is not reported, so that no error is a mere echo of another: any error about a key path under one that
 * already failed (the parent's {@code required} check of a block that failed), and what a constructor throws once its
 * block already has an error (a cross-key check, or a null pointer, that saw a refused value).
 *
 * <p>One per thread and per load: the records are built on the loading thread, and outside a load (a record built by
 * code or a test) nothing is collected and every check throws as before.
 */
final class ConfigErrors {
    private static final ThreadLocal<@Nullable ConfigErrors> CURRENT = new ThreadLocal<>();

    private final List<String> messages = new ArrayList<>();
    private final Set<String> failed = new HashSet<>();
    private final Deque<Block> blocks = new ArrayDeque<>();

    /** A block being built: its key path ("" for the root) and whether it already had an error. */
    private static final class Block {
        final String path;
        boolean hasErrors;

        Block(String path) {
            this.path = path;
        }
    }

    private ConfigErrors() {}

    /** Starts collecting on this thread (close it with {@link #close}). */
    static ConfigErrors open() {
        ConfigErrors errors = new ConfigErrors();
        CURRENT.set(errors);
        return errors;
    }

    void close() {
        CURRENT.remove();
    }

    static @Nullable ConfigErrors current() {
        return CURRENT.get();
    }

    boolean isEmpty() {
        return messages.isEmpty();
    }

    List<String> messages() {
        return List.copyOf(messages);
    }

    /** Enters the block at {@code path}, whose constructor's checks are recorded relative to it. */
    void enter(String path) {
        blocks.push(new Block(path));
    }

    /** Leaves the innermost block; true when it had an error (its parent then gets null for it). */
    boolean exit() {
        Block b = blocks.pop();
        if (b.hasErrors && !blocks.isEmpty()) {
            blocks.peek().hasErrors = true;
        }
        return b.hasErrors;
    }

    /** Whether the innermost block already had an error (what its constructor throws then may be an echo). */
    boolean blockHasErrors() {
        return !blocks.isEmpty() && blocks.peek().hasErrors;
    }

    /** The key path of the innermost block ("" outside any). */
    String blockPath() {
        return blocks.isEmpty() ? "" : blocks.peek().path;
    }

    /**
     * Records {@code message} (which starts with {@code key}, relative to the innermost block) and marks the key as
     * failed, unless it is under a key that already failed.
     */
    void add(String key, String message) {
        addAt(join(blockPath(), key), join(blockPath(), message));
    }

    /** Records {@code message} (which starts with the full key path {@code path}) and marks the path as failed. */
    void addAt(String path, String message) {
        if (!blocks.isEmpty()) {
            blocks.peek().hasErrors = true;
        }
        if (isUnderFailed(path)) {
            return;
        }
        failed.add(path);
        messages.add(message);
    }

    /** Marks the block at {@code path} as failed without a message of its own (its errors are recorded under it). */
    void failed(String path) {
        failed.add(path);
    }

    private boolean isUnderFailed(String path) {
        for (String p = path; !p.isEmpty(); p = parent(p)) {
            if (failed.contains(p)) {
                return true;
            }
        }
        return false;
    }

    /** {@code a.b[2].c} -> {@code a.b[2]} -> {@code a.b} -> {@code a} -> "". */
    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }

    /** {@code base} and a path (or a message starting with one) relative to it. */
    static String join(String base, String relative) {
        if (base.isEmpty()) {
            return relative;
        }
        if (relative.isEmpty()) {
            return base;
        }
        return relative.startsWith("[") ? base + relative : base + "." + relative;
    }
}
