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
 * Levee's own helpers, shared by its modules (levee-core, levee-redis, levee-gateway). <b>Not API</b>: nothing
 * here is covered by compatibility promises, it may change or disappear in any release, and it is left out of the
 * published javadoc. Application code must not depend on it.
 */
@NullMarked
package dev.levee.core.internal;

import org.jspecify.annotations.NullMarked;
