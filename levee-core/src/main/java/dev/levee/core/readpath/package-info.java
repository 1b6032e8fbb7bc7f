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
 * The read path as one object: {@link dev.levee.core.readpath.ReadPath} composes a stale-while-revalidate cache,
 * a request coalescer, a hot-spot window and an upstream breaker in front of a loader, in the order the Levee
 * gateway serves its routes with (the gateway's read path is a user of it).
 */
@NullMarked
package dev.levee.core.readpath;

import org.jspecify.annotations.NullMarked;
