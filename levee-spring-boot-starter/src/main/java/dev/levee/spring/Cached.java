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
 * The annotated method's results are kept in Levee's stale-while-revalidate cache: served as they are for
 * {@link #fresh}, then for {@link #stale} more while one background call refreshes them (and on errors of that
 * call). Concurrent misses of one key share one invocation, as with {@link Coalesced}.
 * <pre>{@code
 * @Cached(key = "#fixtureId", fresh = "5s", stale = "60s")
 * public Odds odds(long fixtureId) { return client.fetchOdds(fixtureId); }
 * }</pre>
 * The method runs on a virtual thread of the starter, not the caller's: a miss waits for it, a stale hit returns
 * at once. Results should be immutable; {@code null} results are not cached.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Cached {
    /** A SpEL expression over the method's parameters; empty = all arguments. */
    String key() default "";

    /** How long a result is served without calling the method, as in the gateway's YAML ({@code 5s}, {@code 1m}). */
    String fresh();

    /** After {@link #fresh}, how long the result is still served while it is refreshed; {@code 0s} = never. */
    String stale() default "0s";
}
