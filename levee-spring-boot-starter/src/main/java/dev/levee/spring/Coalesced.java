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
 * Concurrent calls of the annotated method with the same key share one invocation: the first caller runs the
 * method, the others wait for its result (or its exception). A call that arrives after the invocation ended runs
 * the method again; for reuse over time, see {@link Cached}.
 * <pre>{@code
 * @Coalesced(key = "#fixtureId")
 * public Odds odds(long fixtureId) { return client.fetchOdds(fixtureId); }
 * }</pre>
 * A method returning a {@link java.util.concurrent.CompletionStage} shares the stage's outcome; any other method
 * blocks the waiting callers until the shared invocation returns.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Coalesced {
    /** A SpEL expression over the method's parameters ({@code #fixtureId}, {@code #p0}); empty = all arguments. */
    String key() default "";
}
