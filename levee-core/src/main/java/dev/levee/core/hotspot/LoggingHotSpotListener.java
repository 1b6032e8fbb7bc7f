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
package dev.levee.core.hotspot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link HotSpotListener#logging()}: the limiter's log lines. */
final class LoggingHotSpotListener implements HotSpotListener {
    static final LoggingHotSpotListener INSTANCE = new LoggingHotSpotListener();
    private static final Logger log = LoggerFactory.getLogger(HotSpotLimiter.class);

    private LoggingHotSpotListener() {}

    @Override
    public void onAlert(String key, long calls, HotSpotSettings settings) {
        log.warn("hot-spot key {} is near its limit: {} of {} calls in {} (alert at {} %)", key, calls,
                settings.limit(), settings.window(), Math.round(settings.alertThreshold() * 100));
    }
}
