package dev.levee.core.coalesce;

/** Too many callers waiting (for this key, or in total); the caller was turned away without waiting. */
public final class CoalescerOverflowException extends RuntimeException {
    private final boolean perKey;
    private final int limit;

    public CoalescerOverflowException(Object key, boolean perKey, int limit) {
        super((perKey ? "waiters for key " + key : "waiters in total") + " at limit " + limit, null, false, false);
        this.perKey = perKey;
        this.limit = limit;
    }

    /** True if the per-key bound was hit, false for the total bound. */
    public boolean perKey() {
        return perKey;
    }

    public int limit() {
        return limit;
    }
}
