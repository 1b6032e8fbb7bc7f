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
package dev.levee.redis.coalesce;

/**
 * A snapshot of a {@link RedisFlightCoordinator}'s lifetime counters.
 *
 * @param sharedHits    loads answered from the shared cache tier (no lock, no fetch)
 * @param led           flights this instance ran after taking the lock (fetch run, result published)
 * @param joined        flights answered by another instance's published result
 * @param takeovers     lock holders that vanished (lock expired with no result), after which this instance tried again
 * @param fallbacks     flights run locally because Redis was unreachable or failed
 * @param sharedUp      false after a Redis failure, until the next Redis command that succeeds
 */
public record FlightCoordinatorStats(long sharedHits, long led, long joined, long takeovers, long fallbacks,
                                     boolean sharedUp) {
}
