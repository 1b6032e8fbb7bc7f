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
