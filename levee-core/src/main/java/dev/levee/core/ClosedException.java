package dev.levee.core;

/**
 * A primitive was closed while a call waited on it (for example a hot-spot waiter at shutdown). Not a
 * {@link RejectedException}: nothing will admit the call later on this instance, so a gateway answers it as
 * "shutting down" (503) and a caller sends it elsewhere. An {@link IllegalStateException}, as closing is a state.
 */
public class ClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * @param what the primitive that was closed, e.g. {@code "hot-spot limiter"}; the message is {@code what + " closed"}
     */
    public ClosedException(String what) {
        super(what + " closed");
    }
}
