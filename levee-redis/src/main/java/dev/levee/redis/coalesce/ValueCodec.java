package dev.levee.redis.coalesce;

/**
 * Turns a flight's outcome into bytes another instance can read: the value, and optionally the error.
 *
 * <p>Errors: {@link #encodeError} returns null for an error that must not be shared (a refusal local to the
 * holder's instance, such as its own circuit breaker being open); waiters on other instances then try the lock
 * themselves instead of failing with it.
 */
public interface ValueCodec<V> {

    byte[] encode(V value);

    V decode(byte[] bytes);

    /** The error as bytes for the waiters of other instances, or null if they should fetch themselves. */
    default byte[] encodeError(Throwable error) {
        return null;
    }

    /** The error {@link #encodeError} wrote. */
    default Throwable decodeError(byte[] bytes) {
        throw new UnsupportedOperationException("decodeError");
    }
}
