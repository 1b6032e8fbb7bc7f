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
 * Levee in a Spring Boot application: {@link dev.levee.spring.LeveeAutoConfiguration} reads the gateway's YAML
 * schema under the prefix {@code levee} ({@link dev.levee.spring.LeveeProperties}), registers priority admission as
 * a servlet filter, applies {@link dev.levee.spring.Coalesced}, {@link dev.levee.spring.Cached} and
 * {@link dev.levee.spring.HotSpot} to service methods, and reports each capability to Actuator's health endpoint.
 */
@NullMarked
package dev.levee.spring;

import org.jspecify.annotations.NullMarked;
