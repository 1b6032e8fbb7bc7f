package dev.levee.core;

/**
 * Why a primitive said "not now": each primitive has an enum of its reasons that implements this, so a caller
 * that handles {@link RejectedException} generically still gets a stable name for logs, metrics and responses.
 */
public interface RejectionReason {

    /** The stable lower_snake name of the reason (for example {@code queue_full}); never changes between releases. */
    String code();
}
