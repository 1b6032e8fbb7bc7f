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

import java.util.Locale;

/**
 * {@code log}: the application log's format. {@code LEVEE_LOG_FORMAT} is this key's environment override, and
 * the launcher's logback configuration reads it too, so that the lines before the config is loaded match.
 *
 * @param format {@code plain} (dated lines) or {@code json} (one JSON object per line)
 */
public record LogConfig(String format) {
    public LogConfig {
        Checks.required("format", format);
        format = format.toLowerCase(Locale.ROOT);
        if (!format.equals("plain") && !format.equals("json")) {
            throw new ConfigException("format: '" + format + "' (expected: plain or json)");
        }
    }

    /** True for {@code format: json}. */
    public boolean json() {
        return format.equals("json");
    }
}
