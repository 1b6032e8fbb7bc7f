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

/**
 * The queue circuit. The {@link #code()} is what the Prometheus gauge shows.
 */
public enum CircuitState {
    /** Normal: every priority accepted (low priority shed from 80 % of critical). */
    CLOSED(0),
    /** Recovering: priorities 1 to {@link Event#NORMAL_PRIORITY} (5) accepted. */
    HALF_OPEN(1),
    /** Protecting: only {@link Event#CRITICAL_PRIORITY} accepted. */
    OPEN(2);

    private final int code;

    CircuitState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
