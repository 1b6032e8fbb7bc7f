package dev.levee.core.admission;

import java.time.Duration;

/**
 * One unit of the global concurrency limit, held by one admitted request. Release it exactly when the request
 * is done (response sent, client gone, handler failed); releasing again does nothing, so every exit path may
 * call {@link #release()} without coordinating with the others. It is {@link AutoCloseable}: a
 * try-with-resources block around the admitted work releases it on every exit.
 */
public interface Permit extends AutoCloseable {

    /** The class the request was admitted in. */
    String admissionClass();

    /** How long the request queued before it got this permit (zero when admitted at once). */
    Duration waited();

    /** Returns the permit; true if this call released it, false if it was already released. */
    boolean release();

    /** {@link #release()}, for try-with-resources. */
    @Override
    default void close() {
        release();
    }
}
