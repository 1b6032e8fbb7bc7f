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
package dev.levee.core.admission;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link AdaptiveLimit} sees, in an {@link AdmissionStats} snapshot.
 *
 * @param limit the limit now
 * @param sinceLastChange time since the limit last changed; null while it never did
 * @param baselineRttMs the latency the algorithm takes as unloaded (0 before the first window)
 * @param recentRttMs the median latency of the last window (0 before the first window)
 * @param windows sample windows evaluated so far
 */
public record AdaptiveLimitStats(int limit, int min, int max, @Nullable Duration sinceLastChange,
                                 double baselineRttMs, double recentRttMs, long windows) {}
