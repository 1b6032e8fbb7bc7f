package dev.levee.core.cache;

/** Where a cached read's value came from (the gateway's {@code X-Cache} header). */
public enum CacheStatus {
    /** Fresh entry. */
    HIT,
    /** Entry past fresh but inside stale; one background refresh was started (or is running). */
    STALE,
    /** Entry inside stale served because refreshing it failed (stale-if-error). */
    STALE_IF_ERROR,
    /** Nothing servable: this caller's request was the one that fetched. */
    MISS,
    /** Nothing servable: this caller joined a fetch another caller started. */
    COALESCED
}
