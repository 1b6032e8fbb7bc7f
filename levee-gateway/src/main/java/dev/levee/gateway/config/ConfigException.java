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

import java.util.List;

/**
 * A configuration that Levee refuses to start with; the message names the key and the bad value. A config with several
 * mistakes gives one exception with all of them ({@link #errors()}, each starting with its key path), one a line in
 * the message.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String[] errors;

    public ConfigException(String message) {
        super(message);
        this.errors = new String[] {message};
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
        this.errors = new String[] {message};
    }

    /** Every error of one config, in the order found. */
    public ConfigException(List<String> errors) {
        super(String.join("\n", errors));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("errors: [] (expected: at least one)");
        }
        this.errors = errors.toArray(String[]::new);
    }

    /** The errors, each starting with its key path (one for most exceptions). */
    public List<String> errors() {
        return List.of(errors);
    }
}
