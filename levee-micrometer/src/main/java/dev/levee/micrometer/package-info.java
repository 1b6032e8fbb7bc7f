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
 * Micrometer {@link io.micrometer.core.instrument.binder.MeterBinder}s for the Levee Core primitives, exporting the
 * meters the Levee gateway exports ({@code levee_admission_*}, {@code levee_coalescer_*}, {@code levee_cache_*},
 * {@code levee_hotspot_*}, {@code levee_breaker_*}, {@code levee_events_*} in Prometheus naming), so the shipped
 * dashboard and alert rules read an embedded application the same.
 *
 * <p>Each binder reads its primitive's stats once per scrape: every meter of a binder reads one shared snapshot,
 * taken again only when it is older than the binder's snapshot max age (default 250 ms, far below any scrape
 * interval and far above the time a scrape takes to read a binder's meters). Labels are bounded: a class, a route
 * name the application chooses, a fixed reason or state; per-key hot-spot series only for the top K keys.
 */
@NullMarked
package dev.levee.micrometer;

import org.jspecify.annotations.NullMarked;
