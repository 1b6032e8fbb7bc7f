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
package dev.levee.gateway.ops;

/**
 * What the access log keeps of one request, captured on its event loop when the response ends (no formatting
 * there: the writer thread turns it into JSON). Nulls and -1 durations are left out of the line. {@code traceId}:
 * the request's trace when tracing recorded it, so a line leads to its spans.
 */
record AccessLine(long epochMillis, String requestId, String method, String path, String query, String route,
                  String clientClass, boolean verified, int status, long bytes, long durationNanos,
                  long admissionWaitNanos, String cache, String hotSpotKey, String hotSpotDecision,
                  String upstream, long upstreamNanos, String rejectReason, String traceId) {}
