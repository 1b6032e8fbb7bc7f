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

/** The tests describe limiters as {@link HotSpotSettings} values; this turns one into a builder. */
final class Limiters {
    private Limiters() {}

    static HotSpotLimiter.Builder builder(HotSpotSettings s) {
        return HotSpotLimiter.builder()
                .limit(s.limit()).window(s.window()).queueCapacity(s.queueCapacity()).maxWait(s.maxWait())
                .maxKeys(s.maxKeys()).alertThreshold(s.alertThreshold()).topKeys(s.topKeys());
    }
}
