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
package dev.levee.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Calls of the annotated method are limited per key with the exact window of a route's {@code hot-spot} block:
 * {@code limit} calls per {@code window} per key, extra calls wait in a bounded queue (at most {@code max-wait}) and
 * are refused with {@link dev.levee.core.hotspot.HotSpotRejectedException} (its {@code retryAfter()} is the real time
 * until a slot frees) once the queue is full or the wait would be too long.
 * <pre>{@code
 * levee.routes[0]: { path: /odds, hot-spot: { key: "query:fixture_id", limit: 50, window: 60s, queue: 100 } }
 *
 * @HotSpot(route = "/odds", key = "#fixtureId")
 * public Odds odds(long fixtureId) { return client.fetchOdds(fixtureId); }
 * }</pre>
 * The caller's thread waits for its slot: call it from a virtual thread (Tomcat's {@code
 * spring.threads.virtual.enabled}) when the queue is long.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface HotSpot {
    /** The {@code path} of the {@code levee.routes} entry whose {@code hot-spot} block sets the limit. */
    String route();

    /** A SpEL expression over the method's parameters giving the key ({@code #fixtureId}). */
    String key();
}
