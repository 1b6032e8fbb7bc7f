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
/**
 * Request coalescing: {@link dev.levee.core.coalesce.RequestCoalescer} shares one fetch among concurrent callers of
 * a key, with per-caller deadlines, bounded waiters and {@link dev.levee.core.coalesce.CoalescerStats}.
 *
 * <p>SPI seam for scale-out: {@link dev.levee.core.coalesce.FlightCoordinator} runs each local leader's fetch; a
 * shared-store implementation can coalesce leaders of several instances (one upstream call per key cluster-wide).
 */
@NullMarked
package dev.levee.core.coalesce;

import org.jspecify.annotations.NullMarked;
