package dev.levee.core.admission;

import dev.levee.core.RejectionReason;

/** Why {@link PriorityAdmission} turned a request away; {@link #code()} is the metrics/JSON spelling. */
public enum ShedReason implements RejectionReason {
    /** Its class queue (and every lower class) had no room when it arrived. */
    QUEUE_FULL("queue_full"),
    /** It was the newest queued request of the lowest class when a higher-class request needed the room. */
    PUSHED_OUT("pushed_out"),
    /** It waited longer than its max wait. */
    TIMEOUT("timeout");

    private final String label;

    ShedReason(String label) {
        this.label = label;
    }

    /** The same as {@link #code()}. */
    public String label() {
        return label;
    }

    @Override
    public String code() {
        return label;
    }
}
