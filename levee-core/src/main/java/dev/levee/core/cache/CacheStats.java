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
package dev.levee.core.cache;

/**
 * A snapshot of a cache's figures since creation (monotonic counters; entries and bytes are current).
 *
 * @param hits            fresh reads
 * @param staleHits       stale reads (a refresh started or running)
 * @param staleIfError    stale reads because refreshing failed
 * @param misses          reads that led a load
 * @param coalesced       reads that joined another read's load
 * @param negativeHits    reads answered with a remembered error
 * @param refreshes       background refreshes started
 * @param loadFailures    loads (misses and refreshes) that failed
 * @param hitRatePercent  (hits + staleHits + staleIfError) / all reads * 100
 */
public record CacheStats(long hits, long staleHits, long staleIfError, long misses, long coalesced,
                         long negativeHits, long refreshes, long loadFailures, double hitRatePercent,
                         long entries, long weightedBytes, long evictions) {
}
