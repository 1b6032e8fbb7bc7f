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
 * Test support shared by Levee's modules: a throwaway {@code redis-server} ({@link dev.levee.testing.RedisProcess}),
 * Redis Cluster ({@link dev.levee.testing.RedisCluster}) and Redis Sentinel ({@link dev.levee.testing.RedisSentinel}),
 * loopback ports ({@link dev.levee.testing.Ports}) and signed test tokens ({@link dev.levee.testing.Tokens}).
 *
 * <p>This module depends on no other Levee module, so that every module's tests can use it in test scope without a
 * cycle: Maven refuses a reactor cycle even through a test-scoped dependency, so a helper that depended on
 * levee-core could not serve levee-core's own tests, nor one on levee-gateway the gateway's. What needs a Levee
 * class stays next to that class, in its module's test sources: the gateway's JUnit 5 extension
 * ({@code dev.levee.gateway.testing.GatewayExtension}, one or several gateway instances in front of a local
 * upstream) in levee-gateway, the machine's Redis as a JUnit extension ({@code dev.levee.redis.LocalRedis}) in
 * levee-redis, and the ticker that runs a hook on its next read ({@code dev.levee.core.time.HookedTicker}) in
 * levee-core.
 */
@NullMarked
package dev.levee.testing;

import org.jspecify.annotations.NullMarked;
