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
package dev.levee.gateway;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of a config reload, as {@code POST /admin/reload} answers it (200 for "reloaded" and
 * "unchanged", 422 for "rejected").
 *
 * @param status       "reloaded" (new requests run on the new config), "unchanged" (nothing that can change
 *                     live changed) or "rejected" (the file is invalid: the old config keeps running)
 * @param generation   the generation running after the reload (1 at start-up, +1 per applied reload)
 * @param hash         the hash of the config running after it (as {@code /health} and {@code levee validate} show)
 * @param changed      every changed key path
 * @param needsRestart the changed keys only a restart applies (their old values keep running)
 * @param errors       why the file was rejected: every error of the loader, key first
 */
public record ReloadResult(String status, long generation, String hash, List<String> changed,
                           List<String> needsRestart, List<String> errors) {
    public static final String RELOADED = "reloaded";
    public static final String UNCHANGED = "unchanged";
    public static final String REJECTED = "rejected";

    public ReloadResult {
        requireNonNull(status, "status");
        requireNonNull(hash, "hash");
        changed = List.copyOf(changed);
        needsRestart = List.copyOf(needsRestart);
        errors = List.copyOf(errors);
    }
}
