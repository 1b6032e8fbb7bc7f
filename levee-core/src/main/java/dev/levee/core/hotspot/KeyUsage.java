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

/**
 * One key of the top view.
 *
 * @param callsPerMinute      upstream calls per minute, estimated by the heavy-hitter sketch (sliding over the
 *                            last two minutes)
 * @param callsPerMinuteError the sketch's maximum overestimate for this key
 * @param callsInWindow       calls counted in the key's window now (in flight + ended within the window)
 * @param usagePercent        {@code callsInWindow / limit x 100}
 * @param queueDepth          callers waiting for a slot now
 * @param rejected            callers rejected (429) for this key while it was tracked
 * @param alerting            at or above the alert threshold now
 */
public record KeyUsage(String key, double callsPerMinute, double callsPerMinuteError, int callsInWindow, int limit,
                       double usagePercent, int queueDepth, long rejected, boolean alerting) {}
